/** node.pause: freeze a node's storage service (SIGSTOP): it holds its sockets but answers nothing. Undo: SIGCONT. */
import type { FaultDef } from '../core/contracts.js';
import { checkNodes, nodeDriver, nodeNameSchema } from './node-common.js';

export interface NodePauseSpec {
  node: string;
}
type Undo = { node: string };

const fault: FaultDef<NodePauseSpec, Undo> = {
  kind: 'node.pause',
  summary: "freeze a node's storage service (SIGSTOP); undo resumes it (SIGCONT)",
  requires: ['nodes'],
  schema: { type: 'object', required: ['node'], additionalProperties: false, properties: { node: nodeNameSchema } },
  describe: (s) => `pause the storage service on ${s.node}`,
  async prepare(s, ctx) {
    checkNodes(nodeDriver(ctx, 'node.pause', ['pause', 'resume']), 'node.pause', [s.node]);
    return { node: s.node };
  },
  async inject(_s, undo, ctx) {
    await nodeDriver(ctx, 'node.pause', ['pause']).pause!(undo.node, ctx.signal);
    return { node: undo.node };
  },
  async revert(undo, ctx) {
    await nodeDriver(ctx, 'node.pause', ['resume']).resume!(undo.node, ctx.signal);
  },
};

export default fault;
