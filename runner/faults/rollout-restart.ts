/** rollout.restart: what `kubectl rollout restart` does (stamp the pod template's restartedAt annotation). */
import type { FaultDef, JsonValue } from '../core/contracts.js';
import { FaultlineError } from '../core/errors.js';
import { kubeOf, opts } from '../kube/client.js';
import type { KubeClients } from '../kube/client.js';
import { call } from '../kube/errors.js';
import { describeWorkload, readWorkload, workloadRefSchema } from '../kube/workload.js';
import type { WorkloadRef } from '../kube/workload.js';

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

type Undo = { kind: string; namespace: string; name: string; previousRestartedAt: string | null; generation: number };

async function patchTemplate(kube: KubeClients, ref: WorkloadRef, body: object, signal: AbortSignal): Promise<number> {
  const p = { name: ref.name, namespace: ref.namespace, body };
  const o = opts(signal, { patch: 'strategic' });
  const obj = await call(`restart ${describeWorkload(ref)}`, () =>
    ref.kind === 'Deployment'
      ? kube.apps.patchNamespacedDeployment(p, o)
      : ref.kind === 'StatefulSet'
        ? kube.apps.patchNamespacedStatefulSet(p, o)
        : kube.apps.patchNamespacedDaemonSet(p, o),
  );
  return obj.metadata?.generation ?? 0;
}

const fault: FaultDef<WorkloadRef, Undo> = {
  kind: 'rollout.restart',
  summary: 'rolling restart of a Deployment, StatefulSet or DaemonSet, as `kubectl rollout restart` does',
  requires: ['kubernetes'],
  schema: { type: 'object', required: ['kind', 'namespace', 'name'], additionalProperties: false, properties: workloadRefSchema },
  describe: (s) => `rollout restart ${describeWorkload(s)}`,
  footprint: (s) => ({ namespaces: [s.namespace] }),
  async prepare(s, ctx) {
    const obj = await readWorkload(kubeOf(ctx, 'rollout.restart'), s, ctx.signal);
    if (s.kind === 'Deployment' && obj.spec?.paused) {
      throw new FaultlineError('rollout-paused', `can't restart paused ${describeWorkload(s)}`, { hint: 'resume the rollout first' });
    }
    const previous = obj.spec?.template?.metadata?.annotations?.[RESTARTED_AT];
    return { kind: s.kind, namespace: s.namespace, name: s.name, previousRestartedAt: previous ?? null, generation: obj.metadata?.generation ?? 0 };
  },
  async inject(s, undo, ctx) {
    // kubectl uses RFC 3339 seconds; milliseconds keep two restarts in one second distinct.
    const restartedAt = new Date().toISOString();
    const body = { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: restartedAt } } } } };
    const generation = await patchTemplate(kubeOf(ctx, 'rollout.restart'), s, body, ctx.signal);
    const details: Record<string, JsonValue> = { restartedAt, previousRestartedAt: undo.previousRestartedAt, generation };
    return details;
  },
  // the template carries our stamp and the controller has seen that generation: the rollout is under way
  async confirm(s, _undo, injected, ctx) {
    const obj = await readWorkload(kubeOf(ctx, 'rollout.restart'), s, ctx.signal);
    const stamp = obj.spec?.template?.metadata?.annotations?.[RESTARTED_AT];
    const observed = obj.status?.observedGeneration ?? 0;
    const want = Number(injected.generation) || 0;
    if (stamp !== injected.restartedAt) return { ok: false, value: `pod template restartedAt is ${stamp ?? 'unset'}, not ${String(injected.restartedAt)}` };
    return { ok: observed >= want, value: `pod template stamped ${stamp}; controller observed generation ${observed} (restart is ${want})` };
  },
  async revert() {
    // A restart has no undo; restoring the old annotation would only restart again.
  },
};

export default fault;
