/** k8s.workloadReady: a Deployment/StatefulSet/DaemonSet has completed its rollout and every replica is ready. */
import { byName, kubeProbe } from '../kube/probe-kit.js';
import { describeWorkload, rolloutState, workloadCollection, workloadRefSchema } from '../kube/workload.js';
import type { WorkloadRef } from '../kube/workload.js';

export default kubeProbe<WorkloadRef>(
  {
    kind: 'k8s.workloadReady',
    summary: 'workload rollout complete: updated, ready and available replicas equal desired, status current',
    schema: {
      type: 'object',
      required: ['kind', 'namespace', 'name'],
      additionalProperties: false,
      properties: workloadRefSchema,
    },
    describe: (s) => `${describeWorkload(s)} ready`,
  },
  {
    source: (s) => ({ path: workloadCollection(s), fieldSelector: byName(s.name) }),
    judge: (s, objects) => {
      const obj = objects[0];
      if (!obj) return { ok: false, value: `${describeWorkload(s)} not found` };
      const r = rolloutState(s.kind, obj);
      const counts = `${r.ready}/${r.desired} ready, ${r.updated} updated, ${r.available} available`;
      return {
        ok: r.done,
        value: r.done ? counts : `${counts} (waiting: ${r.waiting})`,
        data: { desired: r.desired, ready: r.ready, updated: r.updated, available: r.available },
      };
    },
  },
);
