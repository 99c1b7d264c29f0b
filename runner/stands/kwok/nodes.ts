/** The stand's four kwok nodes: two zones, two nodes each. */
import { CoreV1Api } from '../../kube/sdk.js';
import type { KubeConfig, V1Node } from '@kubernetes/client-node';
import { isReady } from '../control-plane/api.js';
import { opts } from '../../kube/client.js';
import { statusOf } from '../../kube/errors.js';
import { KWOK_LABEL, POWER_LABEL } from './components.js';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';

export const NODES: readonly { name: string; zone: string }[] = [
  { name: 'node1', zone: 'zone-a' },
  { name: 'node2', zone: 'zone-b' },
  { name: 'node3', zone: 'zone-a' },
  { name: 'node4', zone: 'zone-b' },
];

function labelsOf(n: { name: string; zone: string }): Record<string, string> {
  return {
    [KWOK_LABEL.key]: KWOK_LABEL.value,
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'node-role.kubernetes.io/worker': '',
    [ZONE_LABEL]: n.zone,
    'topology.kubernetes.io/region': 'faultline',
  };
}

function manifest(n: { name: string; zone: string }): V1Node {
  const resources = { cpu: '32', memory: '128Gi', pods: '110', 'ephemeral-storage': '500Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: n.name, labels: labelsOf(n), annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: {},
    status: { allocatable: resources, capacity: resources },
  };
}

/** Creates the nodes; existing ones get their labels back and are powered on. */
export async function registerNodes(kc: KubeConfig, signal: AbortSignal): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  for (const n of NODES) {
    try {
      await core.createNode({ body: manifest(n) }, opts(signal));
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      const labels = { ...labelsOf(n), [POWER_LABEL]: null };
      await core.patchNode({ name: n.name, body: { metadata: { labels } } }, opts(signal, { patch: 'merge' }));
    }
  }
}

/** One line per node for `stand status`. */
export function describeNode(node: V1Node): string {
  const labels = node.metadata?.labels ?? {};
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const state = isReady(node) ? 'Ready' : `NotReady (${ready?.status ?? 'no condition'}${ready?.reason ? `, ${ready.reason}` : ''})`;
  const extra = [labels[POWER_LABEL] === 'off' ? 'powered off' : '', node.spec?.unschedulable ? 'cordoned' : '', (node.spec?.taints ?? []).map((t) => t.key).join(',')];
  return `${node.metadata?.name} ${labels[ZONE_LABEL] ?? '-'} ${state} ${extra.filter(Boolean).join(' ')}`.trim();
}
