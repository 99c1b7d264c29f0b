/** node.kill: SIGKILL a node's storage service (the node stays up); undo: start it again. */
import type { FaultDef } from '../core/contracts.js';
import { checkNodes, nodeDriver, nodeNameSchema } from './node-common.js';

export interface NodeKillSpec {
  node: string;
}
type Undo = { node: string };

const fault: FaultDef<NodeKillSpec, Undo> = {
  kind: 'node.kill',
  summary: "SIGKILL a node's storage service; undo starts it again",
  requires: ['nodes'],
  schema: { type: 'object', required: ['node'], additionalProperties: false, properties: { node: nodeNameSchema } },
  describe: (s) => `SIGKILL the storage service on ${s.node}`,
  async prepare(s, ctx) {
    checkNodes(nodeDriver(ctx, 'node.kill', ['kill', 'start']), 'node.kill', [s.node]);
    return { node: s.node };
  },
  async inject(_s, undo, ctx) {
    await nodeDriver(ctx, 'node.kill', ['kill']).kill!(undo.node, ctx.signal);
    return { node: undo.node };
  },
  async revert(undo, ctx) {
    await nodeDriver(ctx, 'node.kill', ['start']).start!(undo.node, ctx.signal);
  },
};

export default fault;
