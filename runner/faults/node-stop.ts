/** node.stop: graceful stop (SIGTERM, bounded wait) of a node's storage service; undo: start it. */
import type { FaultDef } from '../core/contracts.js';
import { checkNodes, nodeDriver, nodeNameSchema } from './node-common.js';

export interface NodeStopSpec {
  node: string;
}
type Undo = { node: string };

const fault: FaultDef<NodeStopSpec, Undo> = {
  kind: 'node.stop',
  summary: "stop a node's storage service gracefully; undo starts it again",
  requires: ['nodes'],
  schema: { type: 'object', required: ['node'], additionalProperties: false, properties: { node: nodeNameSchema } },
  describe: (s) => `stop the storage service on ${s.node} gracefully`,
  async prepare(s, ctx) {
    checkNodes(nodeDriver(ctx, 'node.stop', ['stop', 'start']), 'node.stop', [s.node]);
    return { node: s.node };
  },
  async inject(_s, undo, ctx) {
    await nodeDriver(ctx, 'node.stop', ['stop']).stop!(undo.node, ctx.signal);
    return { node: undo.node };
  },
  async revert(undo, ctx) {
    await nodeDriver(ctx, 'node.stop', ['start']).start!(undo.node, ctx.signal);
  },
};

export default fault;
