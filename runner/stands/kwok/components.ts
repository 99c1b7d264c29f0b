/**
 * Command lines and health checks of the kwok stand's components: the shared
 * control plane (../control-plane/components.ts) plus kwok. Everything listens on
 * 127.0.0.1 only.
 */
import { HOST, layout, type Component, type Layout, type Ports } from './layout.js';
import { getHealthy, planeArgs, planeHealthUrl, planeHealthy, type ControlPlane } from '../control-plane/components.js';

/** How fast a powered-off (silent) node is noticed: lease renewals every LEASE_S/4, NotReady after GRACE_S. */
export const LEASE_S = 12;
export const GRACE_S = 15;

function plane(l: Layout, p: Ports): ControlPlane {
  return {
    name: 'faultline-kwok',
    host: HOST,
    apiHost: HOST,
    ports: p,
    layout: l,
    nodeGraceS: GRACE_S,
    // the `kubernetes` Service cannot point at loopback; nothing in a kwok cluster needs it
    extra: { 'kube-apiserver': ['--endpoint-reconciler-type=none'] },
  };
}

export function argsFor(c: Component, l: Layout, p: Ports): string[] {
  if (c !== 'kwok') return planeArgs(c, plane(l, p));
  return [
    `--kubeconfig=${l.componentKubeconfig(c)}`,
    `--config=${l.kwokConfig}`,
    // powering a node off removes it from this selector: kwok stops its lease and status, like a dead kubelet
    `--manage-nodes-with-label-selector=${MANAGED_SELECTOR}`,
    `--node-lease-duration-seconds=${LEASE_S}`,
    `--server-address=${HOST}:${p.kwok}`,
    `--node-ip=${HOST}`,
    '--cidr=10.244.0.0/16',
    '--v=WARN', // INFO logs every lease renewal
  ];
}

/** Label every stand node carries, and the label the power-off driver sets. */
export const KWOK_LABEL = { key: 'type', value: 'kwok' } as const;
export const POWER_LABEL = 'faultline.dev/power';
export const MANAGED_SELECTOR = `${KWOK_LABEL.key}=${KWOK_LABEL.value},${POWER_LABEL}!=off`;

/** Health endpoint of each component. */
export function healthUrl(c: Component, p: Ports): string {
  return c === 'kwok' ? `http://${HOST}:${p.kwok}/healthz` : planeHealthUrl(c, plane(layout(), p));
}

/** One GET of a component's health endpoint: true when it answers 2xx. */
export async function healthy(c: Component, l: Layout, p: Ports, signal: AbortSignal): Promise<boolean> {
  return c === 'kwok' ? getHealthy(healthUrl(c, p), l, signal, false) : planeHealthy(c, plane(l, p), signal);
}
