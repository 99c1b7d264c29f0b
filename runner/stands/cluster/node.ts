/**
 * A node as the machine sees it: the processes it runs (everything in its network
 * namespace, and every container process in its cgroup root, whatever namespace the
 * pod has), how its power is cut, and what a reboot clears (the runtime's state dir,
 * its mounts, the pods' network namespaces), as /run would be on real hardware.
 */
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pollUntil } from '../../core/abort.js';
import { mountsUnder, unmount } from '../local/drives.js';
import { deleteNetns } from '../local/network.js';
import { cmdline, isAlive, pidsInNetns, signalAll, waitGone } from '../../core/proc.js';
import { cgroupHierarchies } from './kubelet.js';
import type { ClusterNode } from './layout.js';

const KILL_WAIT_MS = 15_000;

/** Live pids in the node's cgroup root (any v1 hierarchy that lists processes). */
async function cgroupPids(n: ClusterNode): Promise<number[]> {
  const out = new Set<number>();
  const walk = async (dir: string): Promise<void> => {
    const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
    for (const p of procs.split('\n')) if (p.trim()) out.add(Number(p));
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) if (e.isDirectory()) await walk(join(dir, e.name));
  };
  for (const h of await cgroupHierarchies()) if (/\/(pids|memory)$/.test(h)) await walk(join(h, n.cgroupRoot));
  return [...out];
}

/** Every live process of the node: its daemons, shims and all its containers. */
export async function nodePids(n: ClusterNode): Promise<number[]> {
  const all = new Set([...(await pidsInNetns(n.netns)), ...(await cgroupPids(n))]);
  all.delete(process.pid);
  const live: number[] = [];
  for (const pid of all) if (await isAlive(pid)) live.push(pid);
  return live.sort((a, b) => a - b);
}

/** The storage server processes of the node (MinIO runs with the node's network). */
export async function storagePids(n: ClusterNode): Promise<number[]> {
  const out: number[] = [];
  for (const pid of await pidsInNetns(n.netns)) {
    const argv = await cmdline(pid);
    if (argv[0]?.endsWith('/minio') && argv[1] === 'server') out.push(pid);
  }
  return out;
}

/** SIGKILLs every process of the node until none is left (a start racing with us must not survive). */
export async function killNode(n: ClusterNode, signal: AbortSignal): Promise<number> {
  let killed = 0;
  await pollUntil(`${n.name}: every process of the node to die`, KILL_WAIT_MS, signal, async (s) => {
    const pids = await nodePids(n);
    if (!pids.length) return true;
    killed += pids.length;
    signalAll(pids, 'SIGKILL');
    await waitGone(pids, KILL_WAIT_MS, s).catch(() => {});
    return undefined;
  }, 50);
  return killed;
}

/** Per task bundle of the node's containerd: the pod netns it joined and its shim's socket. */
async function bundles(n: ClusterNode): Promise<{ netns: string[]; sockets: string[] }> {
  const base = join(n.containerd.state, 'io.containerd.runtime.v2.task');
  const netns = new Set<string>();
  const sockets = new Set<string>();
  for (const ns of await readdir(base).catch(() => [] as string[])) {
    for (const id of await readdir(join(base, ns)).catch(() => [] as string[])) {
      const dir = join(base, ns, id);
      const spec = await readFile(join(dir, 'config.json'), 'utf8').then((t) => JSON.parse(t) as { linux?: { namespaces?: { type: string; path?: string }[] } }, () => undefined);
      for (const x of spec?.linux?.namespaces ?? []) if (x.type === 'network' && x.path?.includes('/netns/cni-')) netns.add(x.path.replace(/^.*\/netns\//, ''));
      const address = await readFile(join(dir, 'address'), 'utf8').catch(() => '');
      const sock = address.trim().replace(/^unix:\/\//, '');
      if (sock.startsWith('/run/containerd/s/')) sockets.add(sock);
    }
  }
  return { netns: [...netns], sockets: [...sockets] };
}

/**
 * What a reboot clears, once the node's processes are dead: the runtime's state dir
 * and everything mounted under it or the kubelet's root (not the drives: they are
 * the node's disks), the pods' network namespaces, the shims' sockets.
 */
export async function clearVolatile(n: ClusterNode, signal: AbortSignal): Promise<void> {
  const { netns, sockets } = await bundles(n);
  for (const ns of netns) await deleteNetns(ns, signal);
  for (const s of sockets) await rm(s, { force: true });
  for (const root of [n.containerd.state, n.kubelet.root]) for (const m of await mountsUnder(root)) await unmount(m.target, signal);
  await rm(n.containerd.state, { recursive: true, force: true });
}

/** Removes the node's (empty, process-free) cgroup trees, deepest first. */
export async function removeCgroups(n: ClusterNode): Promise<number> {
  let removed = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) if (e.isDirectory()) await walk(join(dir, e.name));
    if (await rmdir(dir).then(() => true, () => false)) removed++;
  };
  for (const h of await cgroupHierarchies()) await walk(join(h, n.cgroupRoot));
  return removed;
}

export interface NodeDaemons {
  containerd: number[];
  kubelet: number[];
}

/** The node's containerd and kubelet, found in its namespace by their config files. */
export async function daemonPids(n: ClusterNode): Promise<NodeDaemons> {
  const d: NodeDaemons = { containerd: [], kubelet: [] };
  for (const pid of await pidsInNetns(n.netns)) {
    const argv = await cmdline(pid);
    if (argv.includes(n.containerd.config)) d.containerd.push(pid);
    else if (argv.includes(`--config=${n.kubelet.config}`)) d.kubelet.push(pid);
  }
  return d;
}
