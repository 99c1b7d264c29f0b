/** node.stop: graceful stop (SIGTERM, bounded wait) of a node's storage service; undo: start it. */
import { oneNodeFault } from './node-common.js';
import { confirmServiceEnded, serviceIdsBefore } from './node-effects.js';

export default oneNodeFault({
  kind: 'node.stop',
  summary: "stop a node's storage service gracefully; undo starts it again",
  describe: (node) => `stop the storage service on ${node} gracefully`,
  op: 'stop',
  undo: 'start',
  before: serviceIdsBefore,
  confirm: (node, ctx, before) => confirmServiceEnded(node, ctx, before, 'node.stop'),
});
