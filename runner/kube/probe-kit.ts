/**
 * Builds a Kubernetes probe from a watch source and a judge: `evaluate` lists once,
 * `waitUntil` lists + watches and resolves at the event that made the judge pass.
 */
import type { Context, Observation, ProbeDef } from '../core/contracts.js';
import { deadline } from '../core/abort.js';
import { CALL_MS, kubeOf } from './client.js';
import type { KubeClients } from './client.js';
import { getJson } from './rest.js';
import { watchUntil } from './watch.js';
import type { KubeObject, WatchSource } from './watch.js';

export interface KubeView<S> {
  /** What to list and watch for this spec. */
  source(spec: S, kube: KubeClients, signal: AbortSignal): WatchSource | Promise<WatchSource>;
  /** The observation for the current objects (sorted by namespace/name). */
  judge(spec: S, objects: KubeObject[], now: number): Observation;
}

type Base<S> = Omit<ProbeDef<S>, 'evaluate' | 'waitUntil' | 'requires'>;

function sorted(objects: KubeObject[]): KubeObject[] {
  const key = (o: KubeObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  return [...objects].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function kubeProbe<S>(base: Base<S>, view: KubeView<S>): ProbeDef<S> {
  return {
    ...base,
    requires: ['kubernetes'],
    async evaluate(spec, ctx: Context) {
      const kube = kubeOf(ctx, base.kind);
      const src = await view.source(spec, kube, ctx.signal);
      const query = { labelSelector: src.labelSelector || undefined, fieldSelector: src.fieldSelector || undefined };
      const list = await getJson<{ items?: KubeObject[] }>(kube.kc, src.path, query, deadline(ctx.signal, CALL_MS));
      return view.judge(spec, sorted(list.items ?? []), Date.now());
    },
    async waitUntil(spec, ctx: Context) {
      const kube = kubeOf(ctx, base.kind);
      const src = await view.source(spec, kube, ctx.signal);
      const r = await watchUntil(kube.kc, {
        source: src,
        signal: ctx.signal,
        decide: (objects, event) => {
          const o = view.judge(spec, sorted(objects), event?.at ?? Date.now());
          return o.ok ? o : undefined;
        },
        onRelist: (why) => ctx.emit('kube.relist', { probe: base.kind, why }),
      });
      return { ...r.value, at: r.at, data: { ...r.value.data, via: r.via } };
    },
  };
}

/** Ready condition of a pod or node. */
export function conditionTrue(obj: KubeObject, type: string): boolean {
  const conds = (obj.status?.conditions ?? []) as { type: string; status: string }[];
  return conds.some((c) => c.type === type && c.status === 'True');
}

export function nameOf(obj: KubeObject): string {
  return obj.metadata?.name ?? '?';
}

/** A single named object: its field selector. */
export function byName(name: string): string {
  return `metadata.name=${name}`;
}
