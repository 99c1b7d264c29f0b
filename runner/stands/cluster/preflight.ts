/**
 * What the cluster stand needs from the machine, checked before anything is made:
 * each missing piece is named with how to get it, and no check can hang.
 */
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { FaultlineError } from '../../core/errors.js';
import type { PlanePorts } from '../control-plane/components.js';
import { run } from '../local/exec.js';
import { cgroupHierarchies } from './kubelet.js';
import { HOST } from './layout.js';
import { CNI_BIN_DIR, RUNC } from './runtime.js';
import { BUSYBOX } from './images.js';

const TOOLS: Record<string, string> = {
  ip: 'iproute2',
  nft: 'nftables',
  nsenter: 'util-linux',
  unshare: 'util-linux',
  mount: 'mount',
  fallocate: 'util-linux',
  sysctl: 'procps',
  openssl: 'openssl',
  tar: 'tar',
  containerd: 'containerd',
  'containerd-shim-runc-v2': 'containerd',
  ctr: 'containerd',
  umoci: 'umoci',
};
const CNI_PLUGINS = ['bridge', 'host-local', 'loopback'];
/** The v1 controllers the kubelet and runc need (hugetlb, rdma and the like are optional). */
const CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'devices', 'freezer'];

async function onPath(tool: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    if (await access(join(dir, tool), constants.X_OK).then(() => true, () => false)) return true;
  }
  return false;
}

const executable = (p: string) => access(p, constants.X_OK).then(() => true, () => false);

function problem(message: string, hint?: string): FaultlineError {
  return new FaultlineError('stand-environment', `the cluster stand cannot run here: ${message}`, { hint });
}

/** The controllers of the machine's cgroups: v1 hierarchies by name, or cgroup2's list. */
export async function cgroupControllers(): Promise<{ mode: 'v1' | 'v2'; controllers: string[] }> {
  const mounts = await cgroupHierarchies();
  if (mounts.includes('/sys/fs/cgroup')) {
    const list = await readFile('/sys/fs/cgroup/cgroup.controllers', 'utf8').catch(() => '');
    return { mode: 'v2', controllers: list.trim().split(/\s+/).filter(Boolean) };
  }
  const text = await readFile('/proc/self/mounts', 'utf8');
  const controllers = text
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[2] === 'cgroup')
    .flatMap((f) => f[3]!.split(','));
  return { mode: 'v1', controllers };
}

async function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

export async function preflight(signal: AbortSignal, uid = process.getuid?.() ?? 0): Promise<void> {
  if (uid !== 0) throw problem(`it needs root (network namespaces, mounts, cgroups, nft rules, containers); running as uid ${uid}`, 'run it as root');
  for (const [tool, pkg] of Object.entries(TOOLS)) {
    if (!(await onPath(tool))) throw problem(`${tool} is not installed`, `Debian: apt-get install ${pkg}`);
  }
  if (!(await executable(RUNC))) throw problem(`${RUNC} is missing`, 'Debian: apt-get install runc');
  if (!(await executable(BUSYBOX))) throw problem(`${BUSYBOX} is missing (the stand builds its pause and tool images from it)`, 'Debian: apt-get install busybox-static');
  for (const p of CNI_PLUGINS) {
    if (!(await executable(join(CNI_BIN_DIR, p)))) throw problem(`the CNI plugin ${join(CNI_BIN_DIR, p)} is missing`, 'Debian: apt-get install containernetworking-plugins');
  }
  const ns = await run('unshare', ['--net', 'true'], signal, { allowFailure: true, timeout: 10_000 });
  if (!ns.ok) throw problem(`network namespaces are not available (unshare --net: ${ns.stderr || 'failed'})`, 'a container without CAP_SYS_ADMIN cannot make them; run on a VM or a privileged container');
  const filesystems = await readFile('/proc/filesystems', 'utf8');
  if (!/\boverlay$/m.test(filesystems)) {
    await run('modprobe', ['overlay'], signal, { allowFailure: true, timeout: 10_000 });
    if (!/\boverlay$/m.test(await readFile('/proc/filesystems', 'utf8'))) {
      throw problem('the overlay filesystem is not available (containerd\'s overlayfs snapshotter needs it)', 'modprobe overlay, or use a kernel with CONFIG_OVERLAY_FS');
    }
  }
  const cg = await cgroupControllers();
  const missing = CONTROLLERS.filter((c) => !cg.controllers.includes(c) && !(cg.mode === 'v2' && ['cpuacct', 'devices', 'freezer'].includes(c)));
  if (missing.length) throw problem(`cgroup controllers missing (${cg.mode}): ${missing.join(', ')}`, 'mount them under /sys/fs/cgroup (cgroup v1) or enable them in cgroup.subtree_control (v2)');
}

/** The control plane's loopback ports must be free (after leftovers of an earlier stand are gone). */
export async function checkPorts(ports: PlanePorts): Promise<void> {
  const busy: string[] = [];
  for (const port of [ports.etcd, ports.etcdPeer, ports.controllerManager, ports.scheduler]) if (!(await portFree(port, HOST))) busy.push(`${HOST}:${port}`);
  if (busy.length) {
    throw new FaultlineError('cluster-ports', `ports ${busy.join(', ')} are in use`, { hint: 'another cluster stand or program holds them; `faultline stand down cluster`, or set FAULTLINE_CLUSTER_PORT_BASE' });
  }
}
