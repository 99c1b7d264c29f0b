/**
 * Node power for kwok clusters. kwok plays the kubelet of every node its label
 * selector matches; faultline's kwok runs with `type=kwok,faultline.dev/power!=off`.
 * Power-off sets `faultline.dev/power=off`: kwok drops the node, so its lease and
 * status stop (a dead kubelet), pods on it freeze, and the node lifecycle
 * controller marks it NotReady (Unknown) after its grace period, taints it
 * unreachable and evicts pods per their tolerations. Power-on removes the label:
 * kwok takes the node back and it turns Ready again.
 */
import { CoordinationV1Api, CoreV1Api } from '../../kube/sdk.js';
import type { KubeConfig } from '@kubernetes/client-node';
import type { NodeDriver } from '../../core/contracts.js';
import { FaultlineError } from '../../core/errors.js';
import { opts } from '../../kube/client.js';
import { statusOf } from '../../kube/errors.js';
import { LEASE_S, MANAGED_SELECTOR, POWER_LABEL } from './components.js';

/** kwok renews a node's lease every LEASE_S/4; two missed renewals mean nobody plays its kubelet any more. */
const SILENT_MS = (LEASE_S / 4) * 2 * 1000;

/** Off = labelled off and its kubelet (kwok) stopped heartbeating: the lease is no longer renewed. */
async function powerState(kc: KubeConfig, node: string, signal: AbortSignal): Promise<{ off: boolean; value: string }> {
  const n = await kc.makeApiClient(CoreV1Api).readNode({ name: node }, opts(signal));
  const lease = await kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: node, namespace: 'kube-node-lease' }, opts(signal));
  const renewed = lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
  const age = Date.now() - renewed;
  const labelled = n.metadata?.labels?.[POWER_LABEL] === 'off';
  const ageText = renewed ? `${(age / 1000).toFixed(1)} s ago` : 'never';
  return { off: labelled && age > SILENT_MS, value: `${POWER_LABEL}=${labelled ? 'off' : 'on'}, node lease last renewed ${ageText} (kwok renews every ${LEASE_S / 4} s)` };
}

async function setPower(kc: KubeConfig, node: string, value: 'off' | null, signal: AbortSignal): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  try {
    await core.patchNode({ name: node, body: { metadata: { labels: { [POWER_LABEL]: value } } } }, opts(signal, { patch: 'merge' }));
  } catch (err) {
    if (statusOf(err) === 404) throw new FaultlineError('node-unknown', `node ${node} does not exist in the cluster`, { cause: err });
    throw err;
  }
}

/** `nodes`: the names `list()` reports (the stand's nodes, or a stand file's hosts). */
export function kwokNodeDriver(kc: KubeConfig, nodes: readonly string[]): NodeDriver {
  return {
    kind: 'kwok',
    list: () => [...nodes],
    powerOff: (node, signal) => setPower(kc, node, 'off', signal),
    powerOn: (node, signal) => setPower(kc, node, null, signal),
    powerState: (node, signal) => powerState(kc, node, signal),
  };
}

/** What a kwok controller must be run with for power-off to work on a cluster faultline did not start. */
export const KWOK_REQUIREMENT = `kwok --manage-nodes-with-label-selector='${MANAGED_SELECTOR}' (or any selector excluding ${POWER_LABEL}=off)`;
