/**
 * What of the cluster stand exists on the machine, found by name and place (state
 * file or not), and its removal: processes, containers and their mounts, the pods'
 * and nodes' namespaces, the bridge, the host nft table, cgroups, the image stores.
 */
import { readdir, readlink, rm, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../../core/files.js';
import { findOurs, runs, recordOf, stopPids, type ProcRecord } from '../../core/proc.js';
import { mountsUnder, unmount } from '../local/drives.js';
import { deleteLink, deleteNetns, linkExists, standNetns, standVeths } from '../local/network.js';
import { signalAll, waitGone } from '../../core/proc.js';
import { BRIDGE, CNI_NETWORK, NETNS_RE, VETH_RE, type ClusterLayout } from './layout.js';
import { hasGuard, removeGuard } from './network.js';
import { clearVolatile, nodePids, removeCgroups } from './node.js';
import { readState, type ClusterState } from './state.js';

const STOP_GRACE_MS = 10_000;
/** The kubelet links every container log here (not configurable); ours point into the stand root. */
const CONTAINER_LOG_LINKS = '/var/log/containers';
/** libcni's cache of results, keyed by network name. */
const CNI_CACHE = '/var/lib/cni/results';
/** Where containerd 1.6's shims put their sockets, whatever the daemon's state dir. */
const SHIM_SOCKETS = '/run/containerd';
/** The kubelet's device-plugin socket has a fixed path (pluginapi.KubeletSocket), whatever its root dir. */
const DEVICE_PLUGIN_SOCKET = '/var/lib/kubelet/device-plugins/kubelet.sock';

export interface Presence {
  state?: ClusterState;
  namespaces: string[];
  veths: string[];
  bridge: boolean;
  guard: boolean;
  mounts: string[];
  /** control-plane processes */
  plane: number[];
  /** node daemons, shims and containers */
  nodes: number[];
}

export async function presence(l: ClusterLayout, signal: AbortSignal): Promise<Presence> {
  const nodes = new Set<number>();
  for (const n of l.nodes) for (const pid of await nodePids(n)) nodes.add(pid);
  return {
    state: await readState(l).catch(() => undefined),
    namespaces: await standNetns(NETNS_RE),
    veths: await standVeths(signal, VETH_RE),
    bridge: await linkExists(BRIDGE, signal),
    guard: await hasGuard(signal),
    mounts: (await mountsUnder(l.root)).map((m) => m.target),
    plane: await findOurs(l.root, cacheDir('tools')),
    nodes: [...nodes].sort((a, b) => a - b),
  };
}

export function isEmpty(p: Presence): boolean {
  return !p.state && !p.namespaces.length && !p.veths.length && !p.bridge && !p.guard && !p.mounts.length && !p.plane.length && !p.nodes.length;
}

export interface Removed {
  processes: number;
  namespaces: number;
  mounts: number;
  cgroups: number;
  links: number;
}

async function removeLogLinks(root: string): Promise<number> {
  let n = 0;
  for (const f of await readdir(CONTAINER_LOG_LINKS).catch(() => [] as string[])) {
    const target = await readlink(join(CONTAINER_LOG_LINKS, f)).catch(() => '');
    if (target.startsWith(root + '/')) n += await unlink(join(CONTAINER_LOG_LINKS, f)).then(() => 1, () => 0);
  }
  return n;
}

async function removeCniCache(): Promise<void> {
  for (const f of await readdir(CNI_CACHE).catch(() => [] as string[])) if (f.startsWith(`${CNI_NETWORK}-`)) await rm(join(CNI_CACHE, f), { force: true });
}

/**
 * The few paths containerd 1.6 and the kubelet fix outside any configured dir: the
 * device-plugin socket is removed, the directories only when empty (another
 * containerd or kubelet on the machine keeps its own).
 */
async function removeFixedPaths(): Promise<void> {
  await rm(DEVICE_PLUGIN_SOCKET, { force: true });
  for (const d of [join(SHIM_SOCKETS, 's'), SHIM_SOCKETS, '/var/lib/kubelet/device-plugins', '/var/lib/kubelet/pki', '/var/lib/kubelet', CONTAINER_LOG_LINKS]) await rmdir(d).catch(() => {});
}

/** Stops every process of the stand: the nodes' by SIGKILL (as a power cut), then the control plane gracefully. */
export async function stopAll(l: ClusterLayout, p: Presence, signal: AbortSignal): Promise<number> {
  signalAll(p.nodes, 'SIGKILL');
  await waitGone(p.nodes, 20_000, signal, 'the nodes\' processes to die');
  let processes = p.nodes.length;
  for (const n of l.nodes) {
    const late = await nodePids(n);
    signalAll(late, 'SIGKILL');
    await waitGone(late, 10_000, signal, `${n.name}: processes started during down to die`);
    processes += late.length;
  }
  // the control plane, newest first
  const recorded: Pick<ProcRecord, 'pid' | 'start'>[] = (p.state?.processes ?? []).filter(runs);
  const strays = p.plane.filter((pid) => !recorded.some((r) => r.pid === pid)).map(recordOf);
  const plane = [...recorded, ...strays.filter((r): r is Pick<ProcRecord, 'pid' | 'start'> => !!r)];
  await stopPids(plane.reverse(), STOP_GRACE_MS, signal);
  return processes + plane.length;
}

export async function teardown(l: ClusterLayout, signal: AbortSignal, found?: Presence): Promise<Removed> {
  const p = found ?? (await presence(l, signal));
  const processes = await stopAll(l, p, signal);
  for (const n of l.nodes) await clearVolatile(n, signal);
  const mounts = await mountsUnder(l.root);
  for (const m of mounts) await unmount(m.target, signal);
  for (const ns of await standNetns(NETNS_RE)) await deleteNetns(ns, signal);
  let links = 0;
  for (const v of await standVeths(signal, VETH_RE)) if (await deleteLink(v, signal)) links++;
  if (await deleteLink(BRIDGE, signal)) links++;
  await removeGuard(signal);
  let cgroups = 0;
  for (const n of l.nodes) cgroups += await removeCgroups(n);
  await removeLogLinks(l.root);
  await removeCniCache();
  await removeFixedPaths();
  await rm(l.root, { recursive: true, force: true, maxRetries: 3 });
  return { processes, namespaces: p.namespaces.length, mounts: mounts.length, cgroups, links };
}

export function describeRemoved(r: Removed): string {
  return `removed ${r.processes} process(es), ${r.namespaces} node namespace(s), ${r.mounts} mount(s), ${r.cgroups} cgroup(s), ${r.links} link(s) and the state dir`;
}
