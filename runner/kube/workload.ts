/** Workloads (Deployment, StatefulSet, DaemonSet): paths, rollout state, pod selector. */
import { FaultlineError } from '../core/errors.js';
import { deadline } from '../core/abort.js';
import type { KubeClients } from './client.js';
import { CALL_MS } from './client.js';
import { getJson } from './rest.js';
import { builtinPath } from './resources.js';
import { labelSelectorString } from './selector.js';
import type { LabelSelector } from './selector.js';
import type { KubeObject } from './watch.js';

export const workloadKinds = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
export type WorkloadKind = (typeof workloadKinds)[number];

export interface WorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

export const workloadRefSchema = {
  kind: { enum: [...workloadKinds] },
  namespace: { type: 'string', minLength: 1 },
  name: { type: 'string', minLength: 1 },
};

export function workloadCollection(ref: Pick<WorkloadRef, 'kind' | 'namespace'>): string {
  return builtinPath(`apps/v1/${ref.kind}`, ref.namespace);
}

export function describeWorkload(ref: WorkloadRef): string {
  return `${ref.kind.toLowerCase()} ${ref.namespace}/${ref.name}`;
}

export async function readWorkload(kube: KubeClients, ref: WorkloadRef, signal: AbortSignal): Promise<KubeObject> {
  const path = `${workloadCollection(ref)}/${encodeURIComponent(ref.name)}`;
  return getJson<KubeObject>(kube.kc, path, {}, deadline(signal, CALL_MS));
}

/** The workload's pod selector as an API string. */
export function podSelectorOf(obj: KubeObject, ref: WorkloadRef): string {
  const sel = obj.spec?.selector as LabelSelector | undefined;
  const s = sel ? labelSelectorString(sel) : '';
  if (!s) throw new FaultlineError('kube-workload', `${describeWorkload(ref)} has an empty pod selector; refusing to select every pod`);
  return s;
}

export interface RolloutState {
  done: boolean;
  desired: number;
  updated: number;
  ready: number;
  available: number;
  /** what is still missing, in words ("" when done) */
  waiting: string;
}

const n = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Whether the rollout is complete: every replica updated, ready and available, status current. */
export function rolloutState(kind: WorkloadKind, obj: KubeObject): RolloutState {
  const spec = obj.spec ?? {};
  const st = obj.status ?? {};
  const generationSeen = n(st.observedGeneration) >= n(obj.metadata?.generation);
  let desired: number;
  let updated: number;
  let ready: number;
  let available: number;
  const waits: string[] = [];
  if (kind === 'DaemonSet') {
    desired = n(st.desiredNumberScheduled);
    updated = spec.updateStrategy?.type === 'OnDelete' ? desired : n(st.updatedNumberScheduled);
    ready = n(st.numberReady);
    available = n(st.numberAvailable);
  } else {
    desired = typeof spec.replicas === 'number' ? spec.replicas : 1;
    updated = n(st.updatedReplicas);
    ready = n(st.readyReplicas);
    available = n(st.availableReplicas);
    if (n(st.replicas) > desired) waits.push(`${n(st.replicas) - desired} old replicas terminating`);
  }
  if (kind === 'Deployment') {
    const progressing = (st.conditions ?? []).find((c: { type: string }) => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') waits.push('progress deadline exceeded');
  }
  if (kind === 'StatefulSet') {
    const rolling = spec.updateStrategy?.type !== 'OnDelete';
    const partition = n(spec.updateStrategy?.rollingUpdate?.partition);
    if (!rolling) updated = desired;
    else if (partition > 0) updated = Math.min(desired, updated + partition);
    else if (st.updateRevision && st.currentRevision !== st.updateRevision && updated === desired) {
      waits.push('revision not yet current');
    }
  }
  if (!generationSeen) waits.push(`generation ${n(obj.metadata?.generation)} not yet observed`);
  if (updated < desired) waits.push(`${updated}/${desired} updated`);
  if (ready < desired) waits.push(`${ready}/${desired} ready`);
  if (available < desired) waits.push(`${available}/${desired} available`);
  return { done: waits.length === 0, desired, updated, ready, available, waiting: waits.join(', ') };
}
