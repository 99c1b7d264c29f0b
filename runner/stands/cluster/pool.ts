/**
 * A node's storage pool, as ZFS and OpenEBS would present it: the pool is imported at
 * boot only when the running kernel has the storage module, and each of its datasets
 * (a bind mount of one tmpfs drive at pool/d<k>) is the path of one local
 * PersistentVolume. On a kernel without the module the pool stays offline, the paths do
 * not exist, and the kubelet cannot mount the node's claims: the PVC plane of that node
 * is down until the node boots a matching kernel again (seed 000, May 11).
 */
import { appendFile, mkdir, rmdir } from 'node:fs/promises';
import { mountsUnder, unmount } from '../local/drives.js';
import { run } from '../local/exec.js';
import type { ClusterNode } from './layout.js';

const stamp = () => new Date().toISOString();

/** Imports the pool: every dataset mounted at its PersistentVolume's path. */
export async function importPool(n: ClusterNode, signal: AbortSignal): Promise<void> {
  const mounted = new Set((await mountsUnder(n.pool)).map((m) => m.target));
  for (const [i, drive] of n.drives.entries()) {
    const dataset = n.datasets[i]!;
    if (mounted.has(dataset)) continue;
    await mkdir(dataset, { recursive: true });
    await run('mount', ['--bind', drive, dataset], signal);
  }
  await appendFile(n.log, `${stamp()} faultline-init: pool imported, ${n.datasets.length} datasets online under ${n.pool}\n`);
}

/** Exports the pool (a power cut, or a boot that cannot load the module): its paths disappear. */
export async function exportPool(n: ClusterNode, signal: AbortSignal, why?: string): Promise<void> {
  for (const m of await mountsUnder(n.pool)) await unmount(m.target, signal);
  // rmdir, never rm -r: a dataset still mounted would be the drive's data
  for (const d of [...n.datasets, n.pool]) await rmdir(d).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  if (why) await appendFile(n.log, `${stamp()} faultline-init: pool not imported (${why}); its persistent volumes are offline\n`);
}

export async function poolOnline(n: ClusterNode): Promise<boolean> {
  const mounted = new Set((await mountsUnder(n.pool)).map((m) => m.target));
  return n.datasets.every((d) => mounted.has(d));
}
