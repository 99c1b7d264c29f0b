/**
 * Undo notes on Kubernetes objects: every object a fault touches carries, while the fault
 * is active, an annotation `undo.faultline.dev/<id>` holding what to undo (fault kind,
 * undo data, run) and the label `faultline.dev/undo=pending` that makes it findable. So
 * `faultline recover --stand X` heals a cluster from any machine with the kubeconfig,
 * without the journal. The note is written before the fault and removed after its revert.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { KubernetesObjectApi, PatchStrategy } from './sdk.js';
import type { ObjectRef, UndoData } from '../core/contracts.js';
import { deadline, untilAborted } from '../core/abort.js';
import { CALL_MS } from './client.js';
import { call, statusOf } from './errors.js';
import { getJson } from './rest.js';

export const UNDO_LABEL = 'faultline.dev/undo';
export const UNDO_PREFIX = 'undo.faultline.dev/';

export interface UndoNote {
  /** the journal id of the injection */
  id: string;
  runId: string;
  kind: string;
  undo: UndoData;
  description: string;
  host: string;
  pid: number;
  at: number;
}

export const noteKey = (journalId: string): string => UNDO_PREFIX + createHash('sha256').update(journalId).digest('hex').slice(0, 16);
const show = (r: ObjectRef) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

async function patch(kc: KubeConfig, r: ObjectRef, metadata: Record<string, unknown>, signal: AbortSignal): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const body = { apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}), ...metadata } } as KubernetesObject;
  try {
    // KubernetesObjectApi takes no per-call signal: stop waiting at the bound instead
    await call(`note undo on ${show(r)}`, () => untilAborted(api.patch(body, undefined, undefined, 'faultline', undefined, PatchStrategy.MergePatch), deadline(signal, CALL_MS)));
  } catch (err) {
    // an object that is not there (yet, or any more) has nothing to carry
    if (statusOf(err) !== 404) throw err;
  }
}

export async function writeNotes(kc: KubeConfig, refs: ObjectRef[], note: Omit<UndoNote, 'host' | 'pid' | 'at'>, signal: AbortSignal): Promise<void> {
  const value: UndoNote = { ...note, host: hostname(), pid: process.pid, at: Date.now() };
  for (const r of refs) await patch(kc, r, { labels: { [UNDO_LABEL]: 'pending' }, annotations: { [noteKey(note.id)]: JSON.stringify(value) } }, signal);
}

/** Removes the note; the label goes too (another fault's note on the object puts it back on its next write, or keeps its own annotation). */
export async function clearNotes(kc: KubeConfig, refs: ObjectRef[], journalId: string, signal: AbortSignal): Promise<void> {
  for (const r of refs) await patch(kc, r, { annotations: { [noteKey(journalId)]: null } }, signal);
  for (const r of refs) await dropLabelIfBare(kc, r, signal);
}

async function dropLabelIfBare(kc: KubeConfig, r: ObjectRef, signal: AbortSignal): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const spec = { apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, namespace: r.namespace } } as KubernetesObject;
  let o: KubernetesObject;
  try {
    o = await call(`read ${show(r)}`, () => untilAborted(api.read(spec as never), deadline(signal, CALL_MS)));
  } catch (err) {
    if (statusOf(err) === 404) return;
    throw err;
  }
  if (Object.keys(o.metadata?.annotations ?? {}).some((k) => k.startsWith(UNDO_PREFIX))) return;
  await patch(kc, r, { labels: { [UNDO_LABEL]: null } }, signal);
}

export interface FoundNote {
  ref: ObjectRef;
  note: UndoNote;
}

type ResourceList = { groupVersion: string; resources: { name: string; namespaced: boolean; kind: string; verbs: string[] }[] };
type ObjectList = { items: { metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> } }[] };

/** Every note on the cluster: each listable resource type, filtered by the label (API discovery, then one list per type). */
export async function findNotes(kc: KubeConfig, signal: AbortSignal): Promise<FoundNote[]> {
  const bounded = (ms: number) => deadline(signal, ms);
  const groups = await getJson<{ groups: { preferredVersion: { groupVersion: string } }[] }>(kc, '/apis', {}, bounded(CALL_MS));
  const paths = ['/api/v1', ...groups.groups.map((g) => `/apis/${g.preferredVersion.groupVersion}`)];
  const out: FoundNote[] = [];
  for (const base of paths) {
    const list = await getJson<ResourceList>(kc, base, {}, bounded(CALL_MS)).catch(() => undefined);
    for (const res of list?.resources ?? []) {
      if (res.name.includes('/') || !res.verbs.includes('list') || !res.verbs.includes('patch')) continue;
      const objs = await getJson<ObjectList>(kc, `${base}/${res.name}`, { labelSelector: UNDO_LABEL }, bounded(CALL_MS)).catch(() => undefined);
      for (const o of objs?.items ?? []) {
        for (const [k, v] of Object.entries(o.metadata?.annotations ?? {})) {
          if (!k.startsWith(UNDO_PREFIX)) continue;
          let note: UndoNote;
          try {
            note = JSON.parse(v) as UndoNote;
          } catch {
            continue;
          }
          const ref: ObjectRef = { apiVersion: list!.groupVersion, kind: res.kind, name: o.metadata!.name! };
          if (o.metadata?.namespace) ref.namespace = o.metadata.namespace;
          out.push({ ref, note });
        }
      }
    }
  }
  return out;
}

