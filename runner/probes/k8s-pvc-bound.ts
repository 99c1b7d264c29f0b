/** k8s.pvcBound: a PersistentVolumeClaim is Bound. */
import { byName, kubeProbe } from '../kube/probe-kit.js';
import { builtinPath } from '../kube/resources.js';

export interface PvcBoundSpec {
  namespace: string;
  name: string;
}

export default kubeProbe<PvcBoundSpec>(
  {
    kind: 'k8s.pvcBound',
    summary: 'a PersistentVolumeClaim is Bound',
    schema: {
      type: 'object',
      required: ['namespace', 'name'],
      additionalProperties: false,
      properties: { namespace: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 } },
    },
    describe: (s) => `pvc ${s.namespace}/${s.name} bound`,
  },
  {
    source: (s) => ({ path: builtinPath('v1/PersistentVolumeClaim', s.namespace), fieldSelector: byName(s.name) }),
    judge: (s, objects) => {
      const pvc = objects[0];
      if (!pvc) return { ok: false, value: `pvc ${s.namespace}/${s.name} not found` };
      const phase = String(pvc.status?.phase ?? 'Pending');
      const volume = pvc.spec?.volumeName ? ` to ${pvc.spec.volumeName}` : '';
      return { ok: phase === 'Bound', value: `${phase}${phase === 'Bound' ? volume : ''}`, data: { phase } };
    },
  },
);
