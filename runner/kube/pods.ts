/** Pods: list by selector, delete (with UID precondition), owner checks. */
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClients } from './client.js';
import { opts } from './client.js';
import { call, statusOf } from './errors.js';

export async function listPods(kube: KubeClients, namespace: string, labelSelector: string, signal: AbortSignal): Promise<V1Pod[]> {
  const list = await call(`list pods ${labelSelector} in ${namespace}`, () =>
    kube.core.listNamespacedPod({ namespace, labelSelector }, opts(signal)),
  );
  return list.items;
}

/** Pods not already being deleted. */
export function livePods(pods: V1Pod[]): V1Pod[] {
  return pods.filter((p) => !p.metadata?.deletionTimestamp);
}

export function podName(p: V1Pod): string {
  return p.metadata?.name ?? '?';
}

export function isDaemonSetPod(p: V1Pod): boolean {
  return (p.metadata?.ownerReferences ?? []).some((o) => o.controller && o.kind === 'DaemonSet');
}

export function isMirrorPod(p: V1Pod): boolean {
  return Object.hasOwn(p.metadata?.annotations ?? {}, 'kubernetes.io/config.mirror');
}

export function hasController(p: V1Pod): boolean {
  return (p.metadata?.ownerReferences ?? []).some((o) => o.controller);
}

/**
 * Deletes one pod, only if it is still the same pod (UID precondition: a StatefulSet
 * replacement with the same name is never hit). Returns false when it was already gone.
 */
export async function deletePod(kube: KubeClients, pod: V1Pod, gracePeriodSeconds: number, signal: AbortSignal): Promise<boolean> {
  const namespace = pod.metadata!.namespace!;
  const name = podName(pod);
  try {
    await call(`delete pod ${namespace}/${name}`, () =>
      kube.core.deleteNamespacedPod(
        { name, namespace, gracePeriodSeconds, body: { gracePeriodSeconds, preconditions: { uid: pod.metadata?.uid } } },
        opts(signal),
      ),
    );
    return true;
  } catch (err) {
    const s = statusOf(err);
    if (s === 404 || s === 409) return false;
    throw err;
  }
}
