/**
 * Each node's kubelet: the pinned Kubernetes build, started inside the node's network
 * namespace with its own root dir, cgroup root, pod log dir and containerd socket.
 * cgroups here are v1 (kubelet 1.34 still runs on them when told to).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from '../../spec/lazy-libs.js';
import { pollUntil } from '../../core/abort.js';
import { FaultlineError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/files.js';
import { runs, logTail, spawnDetached, type ProcRecord } from '../../core/proc.js';
import { httpStatus } from '../local/health.js';
import type { ClusterLayout, ClusterNode } from './layout.js';

/**
 * Lease renewals every LEASE_S/4 (2 s), status every STATUS_S; the controller-manager
 * (--node-monitor-grace-period) calls a node whose kubelet went silent NotReady after NODE_GRACE_S.
 */
export const LEASE_S = 8;
export const STATUS_S = 4;
export const NODE_GRACE_S = 16;
export const KUBELET_PORT = 10250;
export const HEALTHZ_PORT = 10248;

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const zoneOf = (n: ClusterNode): string => (Number(n.name.replace(/\D/g, '')) % 2 ? 'zone-a' : 'zone-b');

/** The kubelet's client identity: the Node authorizer lets system:node:<name> manage its own node and pods. */
export const kubeletClient = (n: ClusterNode): string => `kubelet-${n.name}`;
export const kubeletSubject = (n: ClusterNode): string => `/O=system:nodes/CN=system:node:${n.name}`;

export function kubeletConfig(n: ClusterNode, l: ClusterLayout, runtimeEndpoint: string): Record<string, unknown> {
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: n.address,
    port: KUBELET_PORT,
    readOnlyPort: 0,
    // on the node's address, so the runner can ask from the host (the namespace's loopback is the node's own)
    healthzBindAddress: n.address,
    healthzPort: HEALTHZ_PORT,
    // only the API server (a client certificate from the stand's CA) talks to it
    authentication: { anonymous: { enabled: false }, webhook: { enabled: false }, x509: { clientCAFile: l.cert('ca') } },
    authorization: { mode: 'AlwaysAllow' },
    containerRuntimeEndpoint: runtimeEndpoint,
    cgroupDriver: 'cgroupfs',
    cgroupRoot: n.cgroupRoot,
    cgroupsPerQOS: true,
    enforceNodeAllocatable: ['pods'],
    failCgroupV1: false,
    failSwapOn: false,
    podLogsDir: n.kubelet.podLogs,
    nodeLeaseDurationSeconds: LEASE_S,
    nodeStatusUpdateFrequency: `${STATUS_S}s`,
    nodeStatusReportFrequency: '1m',
    syncFrequency: '10s',
    // the images cannot be pulled back (no registry): never collect them
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    // the drives are separate tmpfs mounts; only a nearly full host should evict
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%', 'nodefs.inodesFree': '1%' },
    serializeImagePulls: false,
    maxPods: 30,
    rotateCertificates: false,
    serverTLSBootstrap: false,
    registerNode: true,
    resolvConf: '/etc/resolv.conf',
    logging: { format: 'text' },
  };
}

export async function writeKubeletConfig(n: ClusterNode, l: ClusterLayout): Promise<void> {
  await mkdir(n.kubelet.root, { recursive: true, mode: 0o700 });
  await mkdir(n.kubelet.podLogs, { recursive: true });
  await writeFileAtomic(n.kubelet.config, stringify(kubeletConfig(n, l, `unix://${n.containerd.socket}`)), 0o600);
}

/** Each v1 hierarchy needs the node's cgroup root before the kubelet starts; cpuset ones need cpus and mems. */
export async function makeCgroupRoot(n: ClusterNode): Promise<void> {
  for (const h of await cgroupHierarchies()) {
    const dir = join(h, n.cgroupRoot);
    await mkdir(dir, { recursive: true });
    if (h.endsWith('/cpuset')) {
      for (const f of ['cpuset.cpus', 'cpuset.mems']) {
        const mine = (await readFile(join(dir, f), 'utf8')).trim();
        if (!mine) await writeFile(join(dir, f), await readFile(join(h, f), 'utf8'));
      }
    }
  }
}

/** Mount points of the cgroup v1 hierarchies (and the unified one beside them, if mounted). */
export async function cgroupHierarchies(): Promise<string[]> {
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  return mounts
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[2] === 'cgroup' || f[2] === 'cgroup2')
    .map((f) => f[1]!)
    .filter((p) => p.startsWith('/sys/fs/cgroup'));
}

export function kubeletArgs(n: ClusterNode): string[] {
  return [
    `--config=${n.kubelet.config}`,
    `--kubeconfig=${n.kubelet.kubeconfig}`,
    `--root-dir=${n.kubelet.root}`,
    `--cert-dir=${join(n.kubelet.root, 'pki')}`,
    `--hostname-override=${n.name}`,
    `--node-ip=${n.address}`,
    `--node-labels=${ZONE_LABEL}=${zoneOf(n)},topology.kubernetes.io/region=faultline`,
    '--v=0',
  ];
}

/** Whether the kubelet's healthz answers. */
export async function kubeletHealthy(n: ClusterNode, signal: AbortSignal): Promise<boolean> {
  const a = await httpStatus(`http://${n.address}:${HEALTHZ_PORT}/healthz`, signal, 2_000);
  return a.status === 200;
}

export async function startKubelet(n: ClusterNode, l: ClusterLayout, bin: string, signal: AbortSignal): Promise<ProcRecord> {
  await writeKubeletConfig(n, l);
  await makeCgroupRoot(n);
  const rec = await spawnDetached(`kubelet-${n.name}`, 'nsenter', [`--net=/run/netns/${n.netns}`, '--', bin, ...kubeletArgs(n)], n.kubelet.log, n.dir, {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
  });
  await pollUntil(`${n.name}: kubelet healthz`, 90_000, signal, async (s) => {
    if (!runs(rec)) {
      throw new FaultlineError('cluster-kubelet', `${n.name}: the kubelet exited during start; the end of ${n.kubelet.log} follows`, { cause: new Error(await logTail(n.kubelet.log, 30)) });
    }
    return (await kubeletHealthy(n, s)) ? true : undefined;
  }, 500);
  return rec;
}
