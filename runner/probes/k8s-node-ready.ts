/** k8s.nodeReady: a node's Ready condition is True (or, with ready: false, is not). */
import { byName, conditionTrue, kubeProbe } from '../kube/probe-kit.js';
import { builtinPath } from '../kube/resources.js';

export interface NodeReadySpec {
  node: string;
  /** default true; false waits for NotReady/Unknown */
  ready?: boolean;
}

export default kubeProbe<NodeReadySpec>(
  {
    kind: 'k8s.nodeReady',
    summary: "a node's Ready condition is True (ready: true, the default) or not True (ready: false)",
    schema: {
      type: 'object',
      required: ['node'],
      additionalProperties: false,
      properties: { node: { type: 'string', minLength: 1 }, ready: { type: 'boolean' } },
    },
    describe: (s) => `node ${s.node} ${s.ready === false ? 'not ready' : 'ready'}`,
  },
  {
    source: (s) => ({ path: builtinPath('v1/Node'), fieldSelector: byName(s.node) }),
    judge: (s, objects) => {
      const node = objects[0];
      const want = s.ready !== false;
      if (!node) return { ok: false, value: `node ${s.node} not found` };
      const cond = (node.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready') as
        | { status: string; reason?: string; lastTransitionTime?: string }
        | undefined;
      const ready = conditionTrue(node, 'Ready');
      const state = cond ? `Ready=${cond.status}${cond.reason ? ` (${cond.reason})` : ''}` : 'no Ready condition';
      return {
        ok: ready === want,
        value: `${state}${node.spec?.unschedulable ? ', cordoned' : ''}`,
        data: { ready, since: cond?.lastTransitionTime ?? null },
      };
    },
  },
);
