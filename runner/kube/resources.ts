/** REST paths of resources by apiVersion + kind (built-ins known, others discovered once). */
import type { KubeConfig } from '@kubernetes/client-node';
import { FaultlineError } from '../core/errors.js';
import { deadline } from '../core/abort.js';
import { getJson } from './rest.js';
import { CALL_MS } from './client.js';

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
}

interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

const builtin: Record<string, ResourceInfo> = {
  'v1/Pod': { plural: 'pods', namespaced: true },
  'v1/Node': { plural: 'nodes', namespaced: false },
  'v1/Event': { plural: 'events', namespaced: true },
  'v1/PersistentVolumeClaim': { plural: 'persistentvolumeclaims', namespaced: true },
  'v1/PersistentVolume': { plural: 'persistentvolumes', namespaced: false },
  'v1/ConfigMap': { plural: 'configmaps', namespaced: true },
  'v1/Service': { plural: 'services', namespaced: true },
  'v1/Namespace': { plural: 'namespaces', namespaced: false },
  'apps/v1/Deployment': { plural: 'deployments', namespaced: true },
  'apps/v1/StatefulSet': { plural: 'statefulsets', namespaced: true },
  'apps/v1/DaemonSet': { plural: 'daemonsets', namespaced: true },
  'apps/v1/ReplicaSet': { plural: 'replicasets', namespaced: true },
  'policy/v1/PodDisruptionBudget': { plural: 'poddisruptionbudgets', namespaced: true },
};

const discovered = new WeakMap<KubeConfig, Map<string, ResourceInfo>>();

function groupPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

async function info(kc: KubeConfig, ref: ResourceRef, signal: AbortSignal): Promise<ResourceInfo> {
  const key = `${ref.apiVersion}/${ref.kind}`;
  const known = builtin[key] ?? discovered.get(kc)?.get(key);
  if (known) return known;
  const list = await getJson<{ resources?: { name: string; kind: string; namespaced: boolean }[] }>(
    kc,
    groupPath(ref.apiVersion),
    {},
    deadline(signal, CALL_MS),
  ).catch((err: unknown) => {
    throw new FaultlineError('kube-resource', `cannot discover ${ref.apiVersion} on the API server`, { cause: err });
  });
  const r = list.resources?.find((x) => x.kind === ref.kind && !x.name.includes('/'));
  if (!r) throw new FaultlineError('kube-resource', `the API server has no kind ${ref.kind} in ${ref.apiVersion}`);
  const found = { plural: r.name, namespaced: r.namespaced };
  if (!discovered.has(kc)) discovered.set(kc, new Map());
  discovered.get(kc)!.set(key, found);
  return found;
}

/** Path of the collection (`name` absent) or of one object. */
export async function resourcePath(kc: KubeConfig, ref: ResourceRef, signal: AbortSignal, name?: string): Promise<string> {
  const i = await info(kc, ref, signal);
  if (i.namespaced && !ref.namespace) {
    throw new FaultlineError('kube-resource', `${ref.kind} is namespaced: give a namespace`);
  }
  const ns = i.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace!)}` : '';
  return `${groupPath(ref.apiVersion)}${ns}/${i.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

/** Collection path of a built-in kind, synchronously. */
export function builtinPath(apiVersionKind: keyof typeof builtin | string, namespace?: string): string {
  const i = builtin[apiVersionKind];
  if (!i) throw new Error(`not a built-in kind: ${apiVersionKind}`);
  const apiVersion = apiVersionKind.slice(0, apiVersionKind.lastIndexOf('/'));
  const ns = i.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? '')}` : '';
  return `${groupPath(apiVersion)}${ns}/${i.plural}`;
}
