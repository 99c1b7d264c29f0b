/** Booting a node: the emulated init picks the kernel and imports the pool, then the runtime and the kubelet start. */
import { boot } from '../local/kernel.js';
import { startKubelet } from './kubelet.js';
import type { ClusterLayout, ClusterNode } from './layout.js';
import { daemonPids } from './node.js';
import { exportPool, importPool } from './pool.js';
import { startRuntime } from './runtime.js';

/**
 * Starts whatever of the node's daemons is not running; a node with neither is booted
 * first (its default kernel becomes the running one, and the storage pool is imported
 * only if that kernel has the storage module). The storage pod then comes back as the
 * kubelet decides: its claims mount only from an imported pool.
 */
export async function bootNode(n: ClusterNode, l: ClusterLayout, kubeletBin: string, signal: AbortSignal): Promise<void> {
  const d = await daemonPids(n);
  if (!d.containerd.length && !d.kubelet.length) {
    const { refused } = await boot(n.dir, n.log);
    if (refused) await exportPool(n, signal, refused);
    else await importPool(n, signal);
  }
  if (!d.containerd.length) await startRuntime(n, signal);
  if (!d.kubelet.length) await startKubelet(n, l, kubeletBin, signal);
}
