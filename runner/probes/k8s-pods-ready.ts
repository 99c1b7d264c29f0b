/** k8s.podsReady: pods matching a selector are Ready (at least `count`, or all of them). */
import { conditionTrue, kubeProbe, nameOf } from '../kube/probe-kit.js';
import { builtinPath } from '../kube/resources.js';
import { selectorSchema, selectorString } from '../kube/selector.js';
import type { SelectorSpec } from '../kube/selector.js';

export interface PodsReadySpec {
  namespace: string;
  selector: SelectorSpec;
  /** at least this many Ready pods */
  count?: number;
  /** every matching (non-terminating) pod Ready, and at least one pod */
  all?: boolean;
}

export default kubeProbe<PodsReadySpec>(
  {
    kind: 'k8s.podsReady',
    summary: 'pods matching a label selector are Ready: at least `count`, or `all` of them',
    schema: {
      type: 'object',
      required: ['namespace', 'selector'],
      additionalProperties: false,
      properties: {
        namespace: { type: 'string', minLength: 1 },
        selector: selectorSchema,
        count: { type: 'integer', minimum: 1 },
        all: { const: true },
      },
      oneOf: [{ required: ['count'] }, { required: ['all'] }],
    },
    describe: (s) => `${s.all ? 'all' : `${s.count}`} pods ${selectorString(s.selector)} in ${s.namespace} ready`,
  },
  {
    source: (s) => ({ path: builtinPath('v1/Pod', s.namespace), labelSelector: selectorString(s.selector) }),
    judge: (s, objects) => {
      const live = objects.filter((p) => !p.metadata?.deletionTimestamp);
      const ready = live.filter((p) => conditionTrue(p, 'Ready'));
      const ok = s.all ? live.length > 0 && ready.length === live.length : ready.length >= (s.count ?? 1);
      const want = s.all ? `${live.length}` : `${s.count}`;
      const terminating = objects.length - live.length;
      return {
        ok,
        value: `${ready.length}/${want} ready${terminating ? `, ${terminating} terminating` : ''}`,
        data: { ready: ready.length, pods: live.length, notReady: live.filter((p) => !conditionTrue(p, 'Ready')).map(nameOf) },
      };
    },
  },
);
