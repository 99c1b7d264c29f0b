/**
 * node.powerOff: the node loses power. Its traffic is dropped before its processes die, so
 * peers see no FIN or RST, only silence, as with a real power cut. Undo: boot it again.
 */
import type { FaultDef } from '../core/contracts.js';
import { checkNodes, nodeDriver, nodeNameSchema } from './node-common.js';

export interface NodePowerOffSpec {
  node: string;
}
type Undo = { node: string };

const fault: FaultDef<NodePowerOffSpec, Undo> = {
  kind: 'node.powerOff',
  summary: 'cut a node\'s power: silence its network, then kill its processes; undo boots it again',
  requires: ['nodes'],
  schema: { type: 'object', required: ['node'], additionalProperties: false, properties: { node: nodeNameSchema } },
  describe: (s) => `power off ${s.node} (peers see no FIN/RST)`,
  async prepare(s, ctx) {
    checkNodes(nodeDriver(ctx, 'node.powerOff', ['powerOff', 'powerOn'], 'network'), 'node.powerOff', [s.node]);
    return { node: s.node };
  },
  async inject(_s, undo, ctx) {
    await nodeDriver(ctx, 'node.powerOff', ['powerOff'], 'network').powerOff!(undo.node, ctx.signal);
    return { node: undo.node };
  },
  async revert(undo, ctx) {
    await nodeDriver(ctx, 'node.powerOff', ['powerOn'], 'network').powerOn!(undo.node, ctx.signal);
  },
};

export default fault;
