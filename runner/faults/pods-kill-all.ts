/** pods.killAll: delete every replica of a workload (or every pod of a selector) at once. */
import type { FaultDef } from '../core/contracts.js';
import { FaultlineError } from '../core/errors.js';
import { kubeOf } from '../kube/client.js';
import { deletePod, listPods, livePods, podName } from '../kube/pods.js';
import { selectorSchema, selectorString } from '../kube/selector.js';
import type { SelectorSpec } from '../kube/selector.js';
import { describeWorkload, podSelectorOf, readWorkload, workloadKinds } from '../kube/workload.js';
import type { WorkloadKind } from '../kube/workload.js';
import { confirmPodsReplaced } from './kube-effects.js';

export interface KillAllSpec {
  namespace: string;
  selector?: SelectorSpec;
  workload?: { kind: WorkloadKind; name: string };
  /** seconds; 0 (default) deletes at once */
  gracePeriod?: number;
}

type Undo = { namespace: string; selector: string };

const fault: FaultDef<KillAllSpec, Undo> = {
  kind: 'pods.killAll',
  summary: 'delete every replica of a workload (or every pod matching a selector) at the same moment',
  requires: ['kubernetes'],
  schema: {
    type: 'object',
    required: ['namespace'],
    additionalProperties: false,
    properties: {
      namespace: { type: 'string', minLength: 1 },
      selector: selectorSchema,
      workload: {
        type: 'object',
        required: ['kind', 'name'],
        additionalProperties: false,
        properties: { kind: { enum: [...workloadKinds] }, name: { type: 'string', minLength: 1 } },
      },
      gracePeriod: { type: 'integer', minimum: 0 },
    },
    oneOf: [{ required: ['selector'] }, { required: ['workload'] }],
  },
  describe: (s) =>
    `kill all pods of ${s.workload ? describeWorkload({ ...s.workload, namespace: s.namespace }) : `${selectorString(s.selector!)} in ${s.namespace}`}`,
  footprint: (s) => ({ namespaces: [s.namespace], pods: { namespace: s.namespace, selector: s.selector, workload: s.workload, all: true } }),
  async prepare(s, ctx) {
    const kube = kubeOf(ctx, 'pods.killAll');
    if (s.selector) return { namespace: s.namespace, selector: selectorString(s.selector) };
    const ref = { ...s.workload!, namespace: s.namespace };
    // Reading the workload is side-effect free and fails early when it does not exist.
    return { namespace: s.namespace, selector: podSelectorOf(await readWorkload(kube, ref, ctx.signal), ref) };
  },
  async inject(s, undo, ctx) {
    const kube = kubeOf(ctx, 'pods.killAll');
    const live = livePods(await listPods(kube, undo.namespace, undo.selector, ctx.signal));
    if (!live.length) throw new FaultlineError('pod-kill-none', `no running pods match ${undo.selector} in ${undo.namespace}`);
    const grace = s.gracePeriod ?? 0;
    const deleted = await Promise.all(live.map((p) => deletePod(kube, p, grace, ctx.signal)));
    const pods = live.map(podName);
    ctx.emit('pods.killAll', { namespace: undo.namespace, pods });
    return { selector: undo.selector, pods, uids: live.map((p) => p.metadata?.uid ?? ''), alreadyGone: pods.filter((_, i) => !deleted[i]), gracePeriod: grace };
  },
  async revert() {
    // Deleted pods cannot be restored; their controllers recreate them.
  },
  confirm: (_s, undo, injected, ctx) => confirmPodsReplaced(undo.namespace, undo.selector, injected, ctx, 'pods.killAll'),
};

export default fault;
