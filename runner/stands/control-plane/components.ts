/**
 * Command lines and health checks of a Kubernetes control plane (etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler), shared by the kwok and
 * cluster stands. etcd, the controller-manager and the scheduler listen on loopback;
 * the API server on the address the stand gives it. etcd speaks plain HTTP, the rest TLS.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { PkiLayout } from './certs.js';

/** Start order; stands stop them in reverse. */
export const PLANE_COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;
export type PlaneComponent = (typeof PLANE_COMPONENTS)[number];

export interface PlanePorts {
  etcd: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
}

export interface PlaneLayout extends PkiLayout {
  etcdData: string;
  componentKubeconfig(c: string): string;
}

export interface ControlPlane {
  /** etcd member name */
  name: string;
  /** loopback address of etcd, the controller-manager and the scheduler */
  host: string;
  /** address the API server binds to and advertises */
  apiHost: string;
  ports: PlanePorts;
  layout: PlaneLayout;
  /** --node-monitor-grace-period: a node whose kubelet stays silent this long turns NotReady (Unknown) */
  nodeGraceS: number;
  /** flags added to a component's command line */
  extra?: Partial<Record<PlaneComponent, string[]>>;
}

export function planeArgs(c: PlaneComponent, cp: ControlPlane): string[] {
  const l = cp.layout;
  const p = cp.ports;
  const hostUrl = (port: number) => `http://${cp.host}:${port}`;
  const base = ((): string[] => {
    switch (c) {
      case 'etcd':
        return [
          `--name=${cp.name}`,
          `--data-dir=${l.etcdData}`,
          `--listen-client-urls=${hostUrl(p.etcd)}`,
          `--advertise-client-urls=${hostUrl(p.etcd)}`,
          `--listen-peer-urls=${hostUrl(p.etcdPeer)}`,
          `--initial-advertise-peer-urls=${hostUrl(p.etcdPeer)}`,
          `--initial-cluster=${cp.name}=${hostUrl(p.etcdPeer)}`,
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
          `--bind-address=${cp.apiHost}`,
          `--advertise-address=${cp.apiHost}`,
          `--secure-port=${p.apiserver}`,
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
          `--bind-address=${cp.host}`,
          `--secure-port=${p.controllerManager}`,
          '--leader-elect=false',
          '--use-service-account-credentials=true',
          `--service-account-private-key-file=${l.key('sa')}`,
          `--root-ca-file=${l.cert('ca')}`,
          `--cluster-signing-cert-file=${l.cert('ca')}`,
          `--cluster-signing-key-file=${l.key('ca')}`,
          // notice a silent node quickly; taint-based eviction then follows pod tolerations
          '--node-monitor-period=2s',
          `--node-monitor-grace-period=${cp.nodeGraceS}s`,
          '--profiling=false',
          '--v=1',
        ];
      case 'kube-scheduler':
        return [...clientFlags(c, l), `--bind-address=${cp.host}`, `--secure-port=${p.scheduler}`, '--leader-elect=false', '--profiling=false', '--v=1'];
    }
  })();
  return [...base, ...(cp.extra?.[c] ?? [])];
}

function clientFlags(c: PlaneComponent, l: PlaneLayout): string[] {
  const kc = l.componentKubeconfig(c);
  return [`--kubeconfig=${kc}`, `--authentication-kubeconfig=${kc}`, `--authorization-kubeconfig=${kc}`];
}

export function planeHealthUrl(c: PlaneComponent, cp: ControlPlane): string {
  const p = cp.ports;
  switch (c) {
    case 'etcd':
      return `http://${cp.host}:${p.etcd}/health`;
    case 'kube-apiserver':
      return `https://${cp.apiHost}:${p.apiserver}/readyz`;
    case 'kube-controller-manager':
      return `https://${cp.host}:${p.controllerManager}/healthz`;
    case 'kube-scheduler':
      return `https://${cp.host}:${p.scheduler}/healthz`;
  }
}

/**
 * One GET of a health endpoint: true when it answers 2xx. The API server is checked
 * with the admin client certificate against the stand's CA; the controller-manager
 * and scheduler serve self-signed certificates on loopback.
 */
export async function getHealthy(url: string, l: PkiLayout, signal: AbortSignal, asAdmin: boolean): Promise<boolean> {
  const u = new URL(url);
  const tls: https.RequestOptions = asAdmin
    ? { ca: readFileSync(l.cert('ca')), cert: readFileSync(l.cert('admin')), key: readFileSync(l.key('admin')) }
    : { rejectUnauthorized: false };
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = lib.request(u, { ...(u.protocol === 'https:' ? tls : {}), signal, timeout: 3_000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

export function planeHealthy(c: PlaneComponent, cp: ControlPlane, signal: AbortSignal): Promise<boolean> {
  return getHealthy(planeHealthUrl(c, cp), cp.layout, signal, c === 'kube-apiserver');
}
