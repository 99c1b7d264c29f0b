/** node.drain: cordon, then evict every pod through the Eviction API (PDBs respected); undo: uncordon. */
import type { FaultDef } from '../core/contracts.js';
import { mustDuration } from '../core/units.js';
import { kubeOf } from '../kube/client.js';
import { drainNode } from '../kube/drain.js';
import { setUnschedulable } from '../kube/nodes.js';
import { nodeRef, prepareCordon, revertCordon } from './node-cordon.js';
import type { CordonUndo } from './node-cordon.js';
import { durationSchema } from '../spec/fragments.js';
import { confirmDrained } from './kube-effects.js';

export interface DrainSpec {
  node: string;
  /** bound of the whole drain, e.g. "60s"; a PDB blocking past it fails the fault */
  timeout: string;
  /** seconds; default: each pod's own */
  gracePeriod?: number;
}

const fault: FaultDef<DrainSpec, CordonUndo> = {
  kind: 'node.drain',
  summary: 'cordon a node and evict its pods through the Eviction API, respecting PodDisruptionBudgets (DaemonSet and mirror pods skipped); undo: uncordon',
  requires: ['kubernetes'],
  schema: {
    type: 'object',
    required: ['node', 'timeout'],
    additionalProperties: false,
    properties: {
      node: { type: 'string', minLength: 1 },
      timeout: durationSchema,
      gracePeriod: { type: 'integer', minimum: 0 },
    },
  },
  describe: (s) => `drain node ${s.node} within ${s.timeout}`,
  // its pods leave it: down for the storage on it
  footprint: (s) => ({ nodesDown: [s.node] }),
  prepare: (s, ctx) => prepareCordon(s.node, ctx, 'node.drain'),
  async inject(s, _undo, ctx) {
    const kube = kubeOf(ctx, 'node.drain');
    await setUnschedulable(kube, s.node, true, ctx.signal);
    const started = Date.now();
    const r = await drainNode(kube, {
      node: s.node,
      timeoutMs: mustDuration(s.timeout),
      gracePeriodSeconds: s.gracePeriod,
      signal: ctx.signal,
      emit: ctx.emit,
    });
    return { evicted: r.evicted, skipped: r.skipped.map((x) => `${x.pod} (${x.why})`), pdbRetries: r.retries, tookMs: Date.now() - started };
  },
  revert: (undo, ctx) => revertCordon(undo, ctx, 'node.drain'),
  confirm: (_s, undo, _i, ctx) => confirmDrained(undo.node, ctx),
  touches: (undo) => [nodeRef(undo.node)],
};

export default fault;
