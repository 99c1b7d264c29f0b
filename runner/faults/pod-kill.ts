/** pod.kill: delete a seeded random choice of the pods matching a selector (grace 0 = SIGKILL-like). */
import type { FaultDef } from '../core/contracts.js';
import { FaultlineError } from '../core/errors.js';
import { parsePercent } from '../core/units.js';
import { kubeOf } from '../kube/client.js';
import { chooseSeeded } from '../kube/choose.js';
import { deletePod, hasController, listPods, livePods, podName } from '../kube/pods.js';
import { selectorSchema, selectorString } from '../kube/selector.js';
import type { SelectorSpec } from '../kube/selector.js';
import { percentSchema } from '../spec/fragments.js';
import { confirmPodsReplaced } from './kube-effects.js';

export interface PodKillSpec {
  namespace: string;
  selector: SelectorSpec;
  count?: number;
  /** "50%" or 50: that share of the matching pods, at least one */
  percent?: string | number;
  /** seconds; 0 (default) deletes at once */
  gracePeriod?: number;
}

type Undo = { namespace: string; selector: string };

export function howMany(spec: { count?: number; percent?: string | number }, available: number): number {
  if (spec.percent !== undefined) {
    const share = typeof spec.percent === 'number' ? spec.percent / 100 : parsePercent(spec.percent) ?? 0;
    return Math.min(available, Math.max(1, Math.ceil(available * share)));
  }
  return Math.min(available, spec.count ?? 1);
}

const fault: FaultDef<PodKillSpec, Undo> = {
  kind: 'pod.kill',
  summary: 'delete a seeded random choice of pods matching a selector (count or percent; grace period 0 by default)',
  requires: ['kubernetes'],
  schema: {
    type: 'object',
    required: ['namespace', 'selector'],
    additionalProperties: false,
    properties: {
      namespace: { type: 'string', minLength: 1 },
      selector: selectorSchema,
      count: { type: 'integer', minimum: 1 },
      percent: {
        oneOf: [
          percentSchema,
          { type: 'number', exclusiveMinimum: 0, maximum: 100 },
        ],
      },
      gracePeriod: { type: 'integer', minimum: 0 },
    },
    not: { required: ['count', 'percent'] },
  },
  describe: (s) =>
    `kill ${s.percent !== undefined ? `${typeof s.percent === 'number' ? `${s.percent}%` : s.percent} of` : s.count ?? 1} pod(s) ${selectorString(s.selector)} in ${s.namespace}`,
  footprint: (s) => ({
    namespaces: [s.namespace],
    pods: { namespace: s.namespace, selector: s.selector, ...(s.percent !== undefined ? { share: typeof s.percent === 'number' ? s.percent / 100 : parsePercent(s.percent) ?? 1 } : { count: s.count ?? 1 }) },
  }),
  async prepare(s, ctx) {
    kubeOf(ctx, 'pod.kill');
    // Nothing to restore: the pods' controllers recreate them.
    return { namespace: s.namespace, selector: selectorString(s.selector) };
  },
  async inject(s, undo, ctx) {
    const kube = kubeOf(ctx, 'pod.kill');
    const live = livePods(await listPods(kube, undo.namespace, undo.selector, ctx.signal));
    if (!live.length) throw new FaultlineError('pod-kill-none', `no running pods match ${undo.selector} in ${undo.namespace}`);
    const chosen = chooseSeeded(live, howMany(s, live.length), ctx.seed, podName);
    const unowned = chosen.filter((p) => !hasController(p)).map(podName);
    if (unowned.length) ctx.emit('pod.kill.unowned', { pods: unowned, note: 'no controller will recreate these' });
    const grace = s.gracePeriod ?? 0;
    const deleted = await Promise.all(chosen.map((p) => deletePod(kube, p, grace, ctx.signal)));
    const pods = chosen.map(podName);
    ctx.emit('pod.kill', { namespace: undo.namespace, pods });
    return {
      seed: ctx.seed,
      candidates: live.length,
      pods,
      uids: chosen.map((p) => p.metadata?.uid ?? ''),
      alreadyGone: pods.filter((_, i) => !deleted[i]),
      gracePeriod: grace,
    };
  },
  async revert() {
    // Deleted pods cannot be restored; their controllers recreate them.
  },
  confirm: (_s, undo, injected, ctx) => confirmPodsReplaced(undo.namespace, undo.selector, injected, ctx, 'pod.kill'),
};

export default fault;
