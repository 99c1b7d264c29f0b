/**
 * Where the kwok stand keeps its files and which loopback ports it uses.
 * Other code (faults, probes, tests) relies on this layout: keep it stable.
 *
 *   <stateDir('kwok')>/
 *     kubeconfig          admin kubeconfig (printed by `stand up`)
 *     state.json          ports, versions, pids of the running components
 *     pki/                CA, serving and client certificates, service-account keys
 *     etc/                component kubeconfigs, kwok.yaml (kwok config + stages)
 *     etcd/               etcd data
 *     logs/<component>.log
 */
import { join } from 'node:path';
import { stateDir } from '../../core/files.js';

export const HOST = '127.0.0.1';
export const CONTEXT = 'faultline-kwok';
export const CLUSTER = 'faultline-kwok';

/** Start order; `down` stops them in reverse. */
export const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'] as const;
export type Component = (typeof COMPONENTS)[number];

export interface Ports {
  etcd: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
}

/**
 * Fixed ports below the Linux ephemeral range (32768+), so no outgoing connection
 * can hold them. FAULTLINE_KWOK_PORT_BASE moves them all (tests run a second stand).
 */
export function portsFrom(base = Number(process.env.FAULTLINE_KWOK_PORT_BASE ?? 24300)): Ports {
  return {
    etcd: base + 1,
    etcdPeer: base + 2,
    apiserver: base + 3,
    controllerManager: base + 4,
    scheduler: base + 5,
    kwok: base + 6,
  };
}

export interface Layout {
  root: string;
  kubeconfig: string;
  stateFile: string;
  pki: string;
  etc: string;
  etcdData: string;
  logs: string;
  log(c: Component): string;
  cert(name: string): string;
  key(name: string): string;
  componentKubeconfig(c: Component): string;
  kwokConfig: string;
}

export function layout(root = stateDir('kwok')): Layout {
  const pki = join(root, 'pki');
  const etc = join(root, 'etc');
  const logs = join(root, 'logs');
  return {
    root,
    kubeconfig: join(root, 'kubeconfig'),
    stateFile: join(root, 'state.json'),
    pki,
    etc,
    etcdData: join(root, 'etcd'),
    logs,
    log: (c) => join(logs, `${c}.log`),
    cert: (name) => join(pki, `${name}.crt`),
    key: (name) => join(pki, `${name}.key`),
    componentKubeconfig: (c) => join(etc, `${c}.kubeconfig`),
    kwokConfig: join(etc, 'kwok.yaml'),
  };
}
