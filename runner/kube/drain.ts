/**
 * Drain a node as `kubectl drain` does: evict every pod through the Eviction API
 * (PodDisruptionBudgets respected: 429 -> retry with backoff until the bound),
 * skip DaemonSet and mirror pods, then wait until the evicted pods are gone.
 * When the bound runs out, the error names the PDBs still blocking.
 */
import type { V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { deadline, sleep } from '../core/abort.js';
import { FaultlineError } from '../core/errors.js';
import { formatDuration } from '../core/units.js';
import type { KubeClients } from './client.js';
import { CALL_MS, opts } from './client.js';
import { call, statusOf } from './errors.js';
import { isDaemonSetPod, isMirrorPod, podName } from './pods.js';
import { builtinPath } from './resources.js';
import { selectorMatches } from './selector.js';
import type { LabelSelector } from './selector.js';
import { watchUntil } from './watch.js';

export interface DrainOptions {
  node: string;
  timeoutMs: number;
  gracePeriodSeconds?: number;
  signal: AbortSignal;
  emit(type: string, data: Record<string, unknown>): void;
}

export interface DrainResult {
  evicted: string[];
  skipped: { pod: string; why: string }[];
  /** 429 answers (PDB) retried */
  retries: number;
}

const key = (p: V1Pod) => `${p.metadata?.namespace}/${podName(p)}`;

export async function podsOn(kube: KubeClients, node: string, signal: AbortSignal): Promise<V1Pod[]> {
  const list = await call(`list pods on node ${node}`, () =>
    kube.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` }, opts(signal)),
  );
  return list.items;
}

/** Evicts one pod, retrying while a PDB refuses (429). Records the refusal in `blocked`. */
async function evict(kube: KubeClients, pod: V1Pod, o: DrainOptions, bound: AbortSignal, blocked: Map<string, string>): Promise<number> {
  const namespace = pod.metadata!.namespace!;
  const name = podName(pod);
  const deleteOptions = { gracePeriodSeconds: o.gracePeriodSeconds, preconditions: { uid: pod.metadata?.uid } };
  for (let attempt = 1; ; attempt++) {
    try {
      await call(`evict pod ${namespace}/${name}`, () =>
        kube.core.createNamespacedPodEviction(
          { name, namespace, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, deleteOptions } },
          opts(bound),
        ),
      );
      blocked.delete(key(pod));
      o.emit('drain.evicted', { node: o.node, pod: key(pod) });
      return attempt - 1;
    } catch (err) {
      const s = statusOf(err);
      // gone, replaced by another pod of the same name, or going with its terminating namespace
      if (s === 404 || s === 409 || (s === 403 && /being terminated/.test((err as Error).message))) {
        blocked.delete(key(pod));
        return attempt - 1;
      }
      if (s !== 429) throw err;
      if (!blocked.has(key(pod))) o.emit('drain.blocked', { node: o.node, pod: key(pod), message: (err as Error).message });
      blocked.set(key(pod), (err as Error).message);
      await sleep(Math.min(4000, 250 * 2 ** (attempt - 1)), bound);
    }
  }
}

async function blockingPdbs(kube: KubeClients, pods: V1Pod[], signal: AbortSignal): Promise<string[]> {
  const out = new Set<string>();
  const byNs = new Map<string, V1PodDisruptionBudget[]>();
  for (const p of pods) {
    const ns = p.metadata!.namespace!;
    if (!byNs.has(ns)) {
      const list = await call(`list PDBs in ${ns}`, () => kube.policy.listNamespacedPodDisruptionBudget({ namespace: ns }, opts(signal)));
      byNs.set(ns, list.items);
    }
    for (const pdb of byNs.get(ns)!) {
      if (!selectorMatches(pdb.spec?.selector as LabelSelector | undefined, p.metadata?.labels)) continue;
      const st = pdb.status;
      out.add(
        `PodDisruptionBudget ${ns}/${pdb.metadata?.name} (pod ${podName(p)}; disruptions allowed ${st?.disruptionsAllowed ?? '?'}, healthy ${st?.currentHealthy ?? '?'}/${st?.desiredHealthy ?? '?'} desired)`,
      );
    }
  }
  return [...out];
}

async function timedOut(kube: KubeClients, o: DrainOptions, pods: V1Pod[], blocked: Map<string, string>): Promise<FaultlineError> {
  const within = formatDuration(o.timeoutMs);
  const hint = 'the node stays cordoned until the fault is reverted (uncordon)';
  const stuck = pods.filter((p) => blocked.has(key(p)));
  if (!stuck.length) {
    return new FaultlineError('drain-timeout', `drain of node ${o.node} did not finish within ${within}: evicted pods still terminating`, { hint });
  }
  const signal = deadline(o.signal, CALL_MS);
  const pdbs = await blockingPdbs(kube, stuck, signal).catch(() => [] as string[]);
  const what = pdbs.length ? `blocked by ${pdbs.join('; ')}` : `blocked: ${[...blocked.values()][0]}`;
  return new FaultlineError('drain-blocked', `drain of node ${o.node} did not finish within ${within}: eviction of ${stuck.map(key).join(', ')} ${what}`, {
    hint,
  });
}

export async function drainNode(kube: KubeClients, o: DrainOptions): Promise<DrainResult> {
  const bound = deadline(o.signal, o.timeoutMs);
  const blocked = new Map<string, string>();
  let targets: V1Pod[] = [];
  try {
    const skipped: DrainResult['skipped'] = [];
    for (const p of await podsOn(kube, o.node, bound)) {
      if (isDaemonSetPod(p)) skipped.push({ pod: key(p), why: 'DaemonSet' });
      else if (isMirrorPod(p)) skipped.push({ pod: key(p), why: 'mirror pod' });
      else targets.push(p);
    }
    // one failed eviction (not a 429) stops the others
    const stop = new AbortController();
    const inner = AbortSignal.any([bound, stop.signal]);
    const retries = await Promise.all(
      targets.map((p) =>
        evict(kube, p, o, inner, blocked).catch((err: unknown) => {
          stop.abort(err);
          throw err;
        }),
      ),
    );
    const uids = new Set(targets.map((p) => p.metadata?.uid));
    await watchUntil(kube.kc, {
      source: { path: builtinPath('v1/Pod'), fieldSelector: `spec.nodeName=${o.node}` },
      signal: bound,
      decide: (objects) => (objects.some((x) => uids.has(x.metadata?.uid)) ? undefined : true),
    });
    return { evicted: targets.map(key), skipped, retries: retries.reduce((a, b) => a + b, 0) };
  } catch (err) {
    if (o.signal.aborted) throw o.signal.reason; // interrupted: the run's reason, not the HTTP client's
    if (!bound.aborted) throw err;
    throw await timedOut(kube, o, targets, blocked);
  }
}
