/** node.kill: SIGKILL a node's storage service (the node stays up); undo: start it again. */
import { oneNodeFault } from './node-common.js';
import { confirmServiceEnded, serviceIdsBefore } from './node-effects.js';

export default oneNodeFault({
  kind: 'node.kill',
  summary: "SIGKILL a node's storage service; undo starts it again",
  describe: (node) => `SIGKILL the storage service on ${node}`,
  op: 'kill',
  undo: 'start',
  before: serviceIdsBefore,
  confirm: (node, ctx, before) => confirmServiceEnded(node, ctx, before, 'node.kill'),
});
