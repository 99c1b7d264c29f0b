/** node.pause: freeze a node's storage service (SIGSTOP): it holds its sockets but answers nothing. Undo: SIGCONT. */
import { oneNodeFault } from './node-common.js';
import { confirmPaused } from './node-effects.js';

export default oneNodeFault({
  kind: 'node.pause',
  summary: "freeze a node's storage service (SIGSTOP); undo resumes it (SIGCONT)",
  describe: (node) => `pause the storage service on ${node}`,
  op: 'pause',
  undo: 'resume',
  confirm: confirmPaused,
});
