/** Booting a node: the emulated init picks the kernel, then the runtime and the kubelet start. */
import { boot } from '../local/kernel.js';
import { startKubelet } from './kubelet.js';
import type { ClusterLayout, ClusterNode } from './layout.js';
import { daemonPids } from './node.js';
import { startRuntime } from './runtime.js';

/**
 * Starts whatever of the node's daemons is not running; a node with neither is booted
 * first (its default kernel becomes the running one). The storage pod then comes back
 * as the kubelet decides; its init container checks the kernel's modules.
 */
export async function bootNode(n: ClusterNode, l: ClusterLayout, kubeletBin: string, signal: AbortSignal): Promise<void> {
  const d = await daemonPids(n);
  if (!d.containerd.length && !d.kubelet.length) await boot(n.dir, n.log);
  if (!d.containerd.length) await startRuntime(n, signal);
  if (!d.kubelet.length) await startKubelet(n, l, kubeletBin, signal);
}
