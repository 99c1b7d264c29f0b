/** node.cordon: mark a node unschedulable; undo uncordons (unless it was cordoned before). */
import type { FaultDef } from '../core/contracts.js';
import { kubeOf } from '../kube/client.js';
import { statusOf } from '../kube/errors.js';
import { readNode, setUnschedulable } from '../kube/nodes.js';
import { confirmCordoned } from './kube-effects.js';

export interface CordonSpec {
  node: string;
}

export type CordonUndo = { node: string; wasUnschedulable: boolean };

export const nodeRef = (name: string) => ({ apiVersion: 'v1', kind: 'Node', name });

/** Shared with node.drain: read the node's current state as the undo. */
export async function prepareCordon(node: string, ctx: Parameters<FaultDef['prepare']>[1], what: string): Promise<CordonUndo> {
  const n = await readNode(kubeOf(ctx, what), node, ctx.signal);
  return { node, wasUnschedulable: n.spec?.unschedulable === true };
}

/** Uncordon unless the node was cordoned before the fault; a node that is gone needs nothing. */
export async function revertCordon(undo: CordonUndo, ctx: Parameters<FaultDef['revert']>[1], what: string): Promise<void> {
  if (undo.wasUnschedulable) return;
  try {
    await setUnschedulable(kubeOf(ctx, what), undo.node, false, ctx.signal);
    ctx.emit('node.uncordon', { node: undo.node });
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
}

const fault: FaultDef<CordonSpec, CordonUndo> = {
  kind: 'node.cordon',
  summary: 'mark a node unschedulable (kubectl cordon); undo: uncordon',
  requires: ['kubernetes'],
  schema: { type: 'object', required: ['node'], additionalProperties: false, properties: { node: { type: 'string', minLength: 1 } } },
  describe: (s) => `cordon node ${s.node}`,
  footprint: (s) => ({ nodes: [s.node] }),
  prepare: (s, ctx) => prepareCordon(s.node, ctx, 'node.cordon'),
  async inject(s, undo, ctx) {
    await setUnschedulable(kubeOf(ctx, 'node.cordon'), s.node, true, ctx.signal);
    return { node: s.node, wasUnschedulable: undo.wasUnschedulable };
  },
  revert: (undo, ctx) => revertCordon(undo, ctx, 'node.cordon'),
  confirm: (_s, undo, _i, ctx) => confirmCordoned(undo.node, ctx, 'node.cordon'),
  touches: (undo) => [nodeRef(undo.node)],
};

export default fault;
