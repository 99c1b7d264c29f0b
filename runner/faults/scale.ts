/** scale: set a workload's replicas through its scale subresource; undo restores the previous count. */
import type { FaultDef } from '../core/contracts.js';
import { kubeOf, opts } from '../kube/client.js';
import type { KubeClients } from '../kube/client.js';
import { call } from '../kube/errors.js';

const scalable = ['Deployment', 'StatefulSet', 'ReplicaSet'] as const;
type ScalableKind = (typeof scalable)[number];

export interface ScaleSpec {
  kind: ScalableKind;
  namespace: string;
  name: string;
  replicas: number;
}

type Undo = { kind: ScalableKind; namespace: string; name: string; replicas: number };
type Ref = Omit<Undo, 'replicas'>;

const label = (r: Ref) => `${r.kind.toLowerCase()} ${r.namespace}/${r.name}`;

async function readReplicas(kube: KubeClients, r: Ref, signal: AbortSignal): Promise<number> {
  const p = { name: r.name, namespace: r.namespace };
  const o = opts(signal);
  const scale = await call(`read scale of ${label(r)}`, () =>
    r.kind === 'Deployment'
      ? kube.apps.readNamespacedDeploymentScale(p, o)
      : r.kind === 'StatefulSet'
        ? kube.apps.readNamespacedStatefulSetScale(p, o)
        : kube.apps.readNamespacedReplicaSetScale(p, o),
  );
  return scale.spec?.replicas ?? 0;
}

async function setReplicas(kube: KubeClients, r: Ref, replicas: number, signal: AbortSignal): Promise<void> {
  const p = { name: r.name, namespace: r.namespace, body: { spec: { replicas } } };
  const o = opts(signal, { patch: 'merge' });
  await call(`scale ${label(r)} to ${replicas}`, () =>
    r.kind === 'Deployment'
      ? kube.apps.patchNamespacedDeploymentScale(p, o)
      : r.kind === 'StatefulSet'
        ? kube.apps.patchNamespacedStatefulSetScale(p, o)
        : kube.apps.patchNamespacedReplicaSetScale(p, o),
  );
}

const fault: FaultDef<ScaleSpec, Undo> = {
  kind: 'scale',
  summary: 'set the replicas of a Deployment, StatefulSet or ReplicaSet; undo: the replicas it had before',
  requires: ['kubernetes'],
  schema: {
    type: 'object',
    required: ['kind', 'namespace', 'name', 'replicas'],
    additionalProperties: false,
    properties: {
      kind: { enum: [...scalable] },
      namespace: { type: 'string', minLength: 1 },
      name: { type: 'string', minLength: 1 },
      replicas: { type: 'integer', minimum: 0 },
    },
  },
  describe: (s) => `scale ${label(s)} to ${s.replicas}`,
  footprint: (s) => ({ namespaces: [s.namespace], pods: { namespace: s.namespace, workload: { kind: s.kind, name: s.name }, replicas: s.replicas } }),
  async prepare(s, ctx) {
    const ref = { kind: s.kind, namespace: s.namespace, name: s.name };
    return { ...ref, replicas: await readReplicas(kubeOf(ctx, 'scale'), ref, ctx.signal) };
  },
  async inject(s, undo, ctx) {
    await setReplicas(kubeOf(ctx, 'scale'), undo, s.replicas, ctx.signal);
    return { from: undo.replicas, to: s.replicas };
  },
  async revert(undo, ctx) {
    await setReplicas(kubeOf(ctx, 'scale'), undo, undo.replicas, ctx.signal);
  },
  async confirm(s, undo, _i, ctx) {
    const now = await readReplicas(kubeOf(ctx, 'scale'), undo, ctx.signal);
    return { ok: now === s.replicas, value: `${label(undo)} asks for ${now} replica(s) (want ${s.replicas})` };
  },
  touches: (undo) => [{ apiVersion: 'apps/v1', kind: undo.kind, name: undo.name, namespace: undo.namespace }],
};

export default fault;
