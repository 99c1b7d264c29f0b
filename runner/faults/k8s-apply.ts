/**
 * k8s.apply: puts objects on the cluster (server-side apply) for a scenario's setup,
 * e.g. the state service and its PDB; undo deletes them, newest first. Modelled as a
 * fault so that the journal guarantees the cleanup even after a crash.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { KubernetesObjectApi, PatchStrategy } from '../kube/sdk.js';
import type { FaultDef, JsonValue } from '../core/contracts.js';
import { CALL_MS, kubeOf } from '../kube/client.js';
import { deadline, untilAborted } from '../core/abort.js';
import { call, statusOf } from '../kube/errors.js';

export interface ApplySpec {
  objects: KubernetesObject[];
}

type Ref = { apiVersion: string; kind: string; name: string; namespace?: string };
type Undo = { objects: Ref[] };

const show = (r: Ref) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

function refOf(o: KubernetesObject): Ref {
  const ref: Ref = { apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata!.name! };
  if (o.metadata?.namespace) ref.namespace = o.metadata.namespace;
  return ref;
}

const fault: FaultDef<ApplySpec, Undo> = {
  kind: 'k8s.apply',
  summary: 'server-side apply objects for the scenario (setup); undo deletes them',
  requires: ['kubernetes'],
  schema: {
    type: 'object',
    required: ['objects'],
    additionalProperties: false,
    properties: {
      objects: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['apiVersion', 'kind', 'metadata'],
          properties: { metadata: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } } },
        },
      },
    },
  },
  describe: (s) => `apply ${s.objects.map((o) => show(refOf(o))).join(', ')}`,
  // the namespaces it writes in (a Namespace object: the one it creates, and deletes on undo)
  footprint: (s) => ({ namespaces: [...new Set(s.objects.map((o) => (o.kind === 'Namespace' ? o.metadata?.name : o.metadata?.namespace)).filter((n): n is string => !!n))] }),
  async prepare(s) {
    return { objects: s.objects.map(refOf) };
  },
  async inject(s, _undo, ctx) {
    const api = KubernetesObjectApi.makeApiClient(kubeOf(ctx, 'k8s.apply').kc);
    for (const o of s.objects) {
      await call(`apply ${show(refOf(o))}`, () =>
        // KubernetesObjectApi takes no per-call signal: stop waiting at the bound instead
        untilAborted(api.patch(o, undefined, undefined, 'faultline', true, PatchStrategy.ServerSideApply), deadline(ctx.signal, CALL_MS)),
      );
    }
    return { applied: s.objects.map((o) => show(refOf(o))) as JsonValue[] };
  },
  // every object is on the server and not being deleted
  async confirm(_s, undo, _i, ctx) {
    const api = KubernetesObjectApi.makeApiClient(kubeOf(ctx, 'k8s.apply').kc);
    const missing: string[] = [];
    for (const r of undo.objects) {
      const spec = { apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, namespace: r.namespace } };
      try {
        const o = await call(`read ${show(r)}`, () => untilAborted(api.read(spec), deadline(ctx.signal, CALL_MS)));
        if (o.metadata?.deletionTimestamp) missing.push(`${show(r)} (being deleted)`);
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
        missing.push(show(r));
      }
    }
    const n = undo.objects.length;
    return { ok: !missing.length, value: missing.length ? `${missing.length}/${n} object(s) not on the server: ${missing.join(', ')}` : `${n}/${n} object(s) on the server` };
  },
  async revert(undo, ctx) {
    const api = KubernetesObjectApi.makeApiClient(kubeOf(ctx, 'k8s.apply').kc);
    for (const r of [...undo.objects].reverse()) {
      const spec: KubernetesObject = { apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, namespace: r.namespace } };
      try {
        await call(`delete ${show(r)}`, () => untilAborted(api.delete(spec, undefined, undefined, 0, undefined, 'Background'), deadline(ctx.signal, CALL_MS)));
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    }
  },
  touches: (undo) => undo.objects,
};

export default fault;
