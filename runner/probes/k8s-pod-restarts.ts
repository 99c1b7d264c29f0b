/** k8s.podRestarts: no pod matching a selector has restarted more than `max` times. */
import { kubeProbe, nameOf } from '../kube/probe-kit.js';
import { builtinPath } from '../kube/resources.js';
import { selectorSchema, selectorString } from '../kube/selector.js';
import type { SelectorSpec } from '../kube/selector.js';
import type { KubeObject } from '../kube/watch.js';

export interface PodRestartsSpec {
  namespace: string;
  selector: SelectorSpec;
  /** highest restart count allowed per pod (sum over its containers, init containers included) */
  max: number;
}

export function restartsOf(pod: KubeObject): number {
  const st = pod.status ?? {};
  const all = [...(st.containerStatuses ?? []), ...(st.initContainerStatuses ?? [])] as { restartCount?: number }[];
  return all.reduce((sum, c) => sum + (c.restartCount ?? 0), 0);
}

export default kubeProbe<PodRestartsSpec>(
  {
    kind: 'k8s.podRestarts',
    summary: 'restart count of every pod matching a selector stays at or below `max`',
    schema: {
      type: 'object',
      required: ['namespace', 'selector', 'max'],
      additionalProperties: false,
      properties: {
        namespace: { type: 'string', minLength: 1 },
        selector: selectorSchema,
        max: { type: 'integer', minimum: 0 },
      },
    },
    describe: (s) => `pods ${selectorString(s.selector)} in ${s.namespace} restarted at most ${s.max} times`,
  },
  {
    source: (s) => ({ path: builtinPath('v1/Pod', s.namespace), labelSelector: selectorString(s.selector) }),
    judge: (s, objects) => {
      const counts = objects.map((p) => ({ pod: nameOf(p), restarts: restartsOf(p) }));
      const worst = counts.reduce((m, c) => Math.max(m, c.restarts), 0);
      const over = counts.filter((c) => c.restarts > s.max);
      return {
        ok: over.length === 0,
        value: `highest restart count ${worst} (max ${s.max}) over ${counts.length} pods${over.length ? `; over: ${over.map((c) => `${c.pod}=${c.restarts}`).join(', ')}` : ''}`,
        data: { highest: worst, pods: counts.length, over: over.map((c) => c.pod) },
      };
    },
  },
);
