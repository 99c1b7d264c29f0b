/**
 * Command lines and health checks of the stand's components. Everything listens on
 * 127.0.0.1 only; etcd speaks plain HTTP on loopback, the rest TLS.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { HOST, type Component, type Layout, type Ports } from './layout.js';

/** How fast a powered-off (silent) node is noticed: lease renewals every LEASE_S/4, NotReady after GRACE_S. */
export const LEASE_S = 12;
export const GRACE_S = 15;

export function argsFor(c: Component, l: Layout, p: Ports): string[] {
  const hostUrl = (port: number) => `http://${HOST}:${port}`;
  switch (c) {
    case 'etcd':
      return [
        '--name=faultline-kwok',
        `--data-dir=${l.etcdData}`,
        `--listen-client-urls=${hostUrl(p.etcd)}`,
        `--advertise-client-urls=${hostUrl(p.etcd)}`,
        `--listen-peer-urls=${hostUrl(p.etcdPeer)}`,
        `--initial-advertise-peer-urls=${hostUrl(p.etcdPeer)}`,
        `--initial-cluster=faultline-kwok=${hostUrl(p.etcdPeer)}`,
        '--initial-cluster-state=new',
        // a disposable test cluster: skip fsync, keep the database small
        '--unsafe-no-fsync',
        '--quota-backend-bytes=2147483648',
        '--auto-compaction-retention=10m',
        '--log-level=warn',
      ];
    case 'kube-apiserver':
      return [
        `--etcd-servers=${hostUrl(p.etcd)}`,
        `--bind-address=${HOST}`,
        `--advertise-address=${HOST}`,
        `--secure-port=${p.apiserver}`,
        // the `kubernetes` Service cannot point at loopback; nothing in a kwok cluster needs it
        '--endpoint-reconciler-type=none',
        `--tls-cert-file=${l.cert('apiserver')}`,
        `--tls-private-key-file=${l.key('apiserver')}`,
        `--client-ca-file=${l.cert('ca')}`,
        `--service-account-key-file=${l.pki}/sa.pub`,
        `--service-account-signing-key-file=${l.key('sa')}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--service-cluster-ip-range=10.96.0.0/16',
        '--authorization-mode=Node,RBAC',
        '--allow-privileged=true',
        '--profiling=false',
        '--v=1',
      ];
    case 'kube-controller-manager':
      return [
        ...clientFlags(c, l),
        `--bind-address=${HOST}`,
        `--secure-port=${p.controllerManager}`,
        '--leader-elect=false',
        '--use-service-account-credentials=true',
        `--service-account-private-key-file=${l.key('sa')}`,
        `--root-ca-file=${l.cert('ca')}`,
        `--cluster-signing-cert-file=${l.cert('ca')}`,
        `--cluster-signing-key-file=${l.key('ca')}`,
        // notice a silent node quickly; taint-based eviction then follows pod tolerations
        '--node-monitor-period=2s',
        `--node-monitor-grace-period=${GRACE_S}s`,
        '--profiling=false',
        '--v=1',
      ];
    case 'kube-scheduler':
      return [...clientFlags(c, l), `--bind-address=${HOST}`, `--secure-port=${p.scheduler}`, '--leader-elect=false', '--profiling=false', '--v=1'];
    case 'kwok':
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
}

/** Label every stand node carries, and the label the power-off driver sets. */
export const KWOK_LABEL = { key: 'type', value: 'kwok' } as const;
export const POWER_LABEL = 'faultline.dev/power';
export const MANAGED_SELECTOR = `${KWOK_LABEL.key}=${KWOK_LABEL.value},${POWER_LABEL}!=off`;

function clientFlags(c: Component, l: Layout): string[] {
  const kc = l.componentKubeconfig(c);
  return [`--kubeconfig=${kc}`, `--authentication-kubeconfig=${kc}`, `--authorization-kubeconfig=${kc}`];
}

/** Health endpoint of each component. */
export function healthUrl(c: Component, p: Ports): string {
  switch (c) {
    case 'etcd':
      return `http://${HOST}:${p.etcd}/health`;
    case 'kube-apiserver':
      return `https://${HOST}:${p.apiserver}/readyz`;
    case 'kube-controller-manager':
      return `https://${HOST}:${p.controllerManager}/healthz`;
    case 'kube-scheduler':
      return `https://${HOST}:${p.scheduler}/healthz`;
    case 'kwok':
      return `http://${HOST}:${p.kwok}/healthz`;
  }
}

/**
 * One GET of a component's health endpoint: true when it answers 2xx. The API server
 * is checked with the admin client certificate against the stand's CA; the
 * controller-manager and scheduler serve self-signed certificates on loopback.
 */
export async function healthy(c: Component, l: Layout, p: Ports, signal: AbortSignal): Promise<boolean> {
  const url = new URL(healthUrl(c, p));
  const tls: https.RequestOptions =
    c === 'kube-apiserver'
      ? { ca: readFileSync(l.cert('ca')), cert: readFileSync(l.cert('admin')), key: readFileSync(l.key('admin')) }
      : { rejectUnauthorized: false };
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = lib.request(url, { ...(url.protocol === 'https:' ? tls : {}), signal, timeout: 3_000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
