/** k8s.event: an Event with a given reason exists (optionally for one object, optionally recent). */
import type { Observation } from '../core/contracts.js';
import { parseDuration } from '../core/units.js';
import { kubeProbe } from '../kube/probe-kit.js';
import { builtinPath } from '../kube/resources.js';
import type { KubeObject } from '../kube/watch.js';
import { durationSchema } from '../spec/fragments.js';

export interface EventSpec {
  namespace: string;
  reason: string;
  involvedObject?: { kind?: string; name?: string };
  /** only events last seen within this window, e.g. "5m" */
  within?: string;
}

/** When the event was last seen (epoch ms). */
export function lastSeen(ev: KubeObject): number {
  const t = ev.series?.lastObservedTime ?? ev.lastTimestamp ?? ev.eventTime ?? ev.metadata?.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

function describeTarget(s: EventSpec): string {
  const o = s.involvedObject;
  return o ? ` for ${o.kind ?? 'object'}${o.name ? ` ${o.name}` : ''}` : '';
}

export default kubeProbe<EventSpec>(
  {
    kind: 'k8s.event',
    summary: 'an Event with the given reason exists in a namespace (optionally for one object, within a window)',
    schema: {
      type: 'object',
      required: ['namespace', 'reason'],
      additionalProperties: false,
      properties: {
        namespace: { type: 'string', minLength: 1 },
        reason: { type: 'string', minLength: 1 },
        involvedObject: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { kind: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 } },
        },
        within: durationSchema,
      },
    },
    describe: (s) => `event ${s.reason} in ${s.namespace}${describeTarget(s)}${s.within ? ` within ${s.within}` : ''}`,
  },
  {
    source: (s) => {
      const fields = [`reason=${s.reason}`];
      if (s.involvedObject?.kind) fields.push(`involvedObject.kind=${s.involvedObject.kind}`);
      if (s.involvedObject?.name) fields.push(`involvedObject.name=${s.involvedObject.name}`);
      return { path: builtinPath('v1/Event', s.namespace), fieldSelector: fields.join(',') };
    },
    judge: (s, objects, now): Observation => {
      const windowMs = s.within ? parseDuration(s.within) ?? 0 : undefined;
      const hits = objects.filter((e) => windowMs === undefined || lastSeen(e) >= now - windowMs);
      const latest = hits.reduce<KubeObject | undefined>((m, e) => (!m || lastSeen(e) > lastSeen(m) ? e : m), undefined);
      if (!latest) return { ok: false, value: `no ${s.reason} event${describeTarget(s)}`, data: { count: 0 } };
      const o = latest.involvedObject ?? {};
      return {
        ok: true,
        value: `${hits.length} ${s.reason} event(s), latest for ${o.kind ?? '?'} ${o.name ?? '?'}: ${String(latest.message ?? '').slice(0, 200)}`,
        data: { count: hits.length, lastSeen: new Date(lastSeen(latest)).toISOString() },
      };
    },
  },
);
