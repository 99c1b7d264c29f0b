/** Nodes: read, cordon / uncordon. */
import type { V1Node } from '@kubernetes/client-node';
import type { KubeClients } from './client.js';
import { opts } from './client.js';
import { call } from './errors.js';

export async function readNode(kube: KubeClients, name: string, signal: AbortSignal): Promise<V1Node> {
  return call(`read node ${name}`, () => kube.core.readNode({ name }, opts(signal)));
}

/** Sets spec.unschedulable (what `kubectl cordon` / `uncordon` do). */
export async function setUnschedulable(kube: KubeClients, name: string, unschedulable: boolean, signal: AbortSignal): Promise<void> {
  await call(`${unschedulable ? 'cordon' : 'uncordon'} node ${name}`, () =>
    kube.core.patchNode({ name, body: { spec: { unschedulable } } }, opts(signal, { patch: 'merge' })),
  );
}
