/**
 * k8s.claimsMounted: the PersistentVolumeClaims the selected pods use are mounted on the
 * pods' nodes: the PVC plane seen from the pods. The kubelet creates a pod's sandbox only
 * after every volume of the pod is mounted, so a claim counts as mounted while its pod's
 * PodReadyToStartContainers condition is True. A claim that stays Bound in the API while
 * its node cannot mount it (its storage pool offline) does not count.
 */
import { conditionTrue, kubeProbe, nameOf } from '../kube/probe-kit.js';
import { builtinPath } from '../kube/resources.js';
import { selectorSchema, selectorString } from '../kube/selector.js';
import type { SelectorSpec } from '../kube/selector.js';
import type { KubeObject } from '../kube/watch.js';

export interface ClaimsMountedSpec {
  namespace: string;
  selector: SelectorSpec;
  /** at least this many claims mounted; default: every claim of the selected pods, and at least one */
  count?: number;
}

const claimsOf = (pod: KubeObject): string[] =>
  ((pod.spec?.volumes ?? []) as { persistentVolumeClaim?: { claimName?: string } }[]).map((v) => v.persistentVolumeClaim?.claimName).filter((c): c is string => !!c);

/** What the pod shows instead: its first container's waiting or last termination reason, or its phase. */
function stuck(pod: KubeObject): string {
  if (!pod.spec?.nodeName) return 'unscheduled';
  type Status = { name: string; state?: { waiting?: { reason?: string }; terminated?: { reason?: string } } };
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])] as Status[];
  for (const c of statuses) {
    const reason = c.state?.waiting?.reason ?? c.state?.terminated?.reason;
    if (reason) return `${c.name}: ${reason}`;
  }
  return String(pod.status?.phase ?? 'Pending');
}

export default kubeProbe<ClaimsMountedSpec>(
  {
    kind: 'k8s.claimsMounted',
    summary: "the PersistentVolumeClaims of pods matching a selector are mounted on their nodes (at least `count`, or all of them)",
    schema: {
      type: 'object',
      required: ['namespace', 'selector'],
      additionalProperties: false,
      properties: { namespace: { type: 'string', minLength: 1 }, selector: selectorSchema, count: { type: 'integer', minimum: 1 } },
    },
    describe: (s) => `${s.count ?? 'all'} claims of pods ${selectorString(s.selector)} in ${s.namespace} mounted`,
  },
  {
    source: (s) => ({ path: builtinPath('v1/Pod', s.namespace), labelSelector: selectorString(s.selector) }),
    judge: (s, objects) => {
      const live = objects.filter((p) => !p.metadata?.deletionTimestamp);
      let claims = 0;
      let mounted = 0;
      const down: string[] = [];
      for (const pod of live) {
        const mine = claimsOf(pod);
        claims += mine.length;
        if (mine.length && pod.spec?.nodeName && conditionTrue(pod, 'PodReadyToStartContainers')) mounted += mine.length;
        else if (mine.length) down.push(`${nameOf(pod)}${pod.spec?.nodeName ? ` on ${pod.spec.nodeName}` : ''} (${mine.length} claim${mine.length === 1 ? '' : 's'}; ${stuck(pod)})`);
      }
      const want = s.count ?? claims;
      const ok = want > 0 && mounted >= want;
      return {
        ok,
        value: `${mounted}/${want} claims mounted${down.length ? `; not mounted: ${down.join(', ')}` : ''}`,
        data: { mounted, claims, pods: live.length, notMounted: down },
      };
    },
  },
);
