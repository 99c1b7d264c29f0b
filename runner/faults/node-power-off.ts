/**
 * node.powerOff: the node loses power. Its traffic is dropped before its processes die, so
 * peers see no FIN or RST, only silence, as with a real power cut. Undo: boot it again.
 */
import { oneNodeFault } from './node-common.js';
import { confirmPowerOff } from './node-effects.js';

export default oneNodeFault({
  kind: 'node.powerOff',
  summary: "cut a node's power: silence its network, then kill its processes; undo boots it again",
  describe: (node) => `power off ${node} (peers see no FIN/RST)`,
  op: 'powerOff',
  undo: 'powerOn',
  related: 'network',
  confirm: confirmPowerOff,
});
