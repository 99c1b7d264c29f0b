/** Proof that a Kubernetes fault took effect, read back from the API server. */
import type { Context, JsonValue, Observation } from '../core/contracts.js';
import { kubeOf } from '../kube/client.js';
import { podsOn } from '../kube/drain.js';
import { readNode } from '../kube/nodes.js';
import { isDaemonSetPod, isMirrorPod, listPods, podName } from '../kube/pods.js';

export async function confirmCordoned(node: string, ctx: Context, what: string): Promise<Observation> {
  const n = await readNode(kubeOf(ctx, what), node, ctx.signal);
  const cordoned = n.spec?.unschedulable === true;
  return { ok: cordoned, value: `node ${node} ${cordoned ? 'is' : 'is NOT'} unschedulable` };
}

/** Drain: cordoned, and no pod an eviction would move is left on the node (DaemonSet and mirror pods stay). */
export async function confirmDrained(node: string, ctx: Context): Promise<Observation> {
  const cordon = await confirmCordoned(node, ctx, 'node.drain');
  const left = (await podsOn(kubeOf(ctx, 'node.drain'), node, ctx.signal)).filter(
    (p) => !isDaemonSetPod(p) && !isMirrorPod(p) && !p.metadata?.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''),
  );
  const shown = left.slice(0, 5).map((p) => `${p.metadata?.namespace}/${podName(p)}`).join(', ');
  return {
    ok: cordon.ok && !left.length,
    value: `${cordon.value}; ${left.length ? `${left.length} evictable pod(s) still on it: ${shown}` : 'no evictable pod left on it'}`,
  };
}

/** Pod kill: none of the killed pods' UIDs is live any more (gone, or being deleted). */
export async function confirmPodsReplaced(namespace: string, selector: string, injected: Record<string, JsonValue>, ctx: Context, what: string): Promise<Observation> {
  const killed = new Set(Array.isArray(injected.uids) ? injected.uids.filter((u): u is string => typeof u === 'string' && !!u) : []);
  if (!killed.size) throw new Error(`${what} recorded no pod UIDs to compare with`);
  const pods = await listPods(kubeOf(ctx, what), namespace, selector, ctx.signal);
  const still = pods.filter((p) => killed.has(p.metadata?.uid ?? '') && !p.metadata?.deletionTimestamp);
  const fresh = pods.filter((p) => !killed.has(p.metadata?.uid ?? '')).length;
  return {
    ok: !still.length,
    value: still.length
      ? `${still.length}/${killed.size} killed pod(s) still live with the same UID: ${still.map(podName).join(', ')}`
      : `${killed.size}/${killed.size} killed pod UIDs gone or terminating; ${fresh} pod(s) with other UIDs match ${selector}`,
  };
}
