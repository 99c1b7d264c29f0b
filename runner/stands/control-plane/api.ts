/** An embedded stand's waits on its own API, through the shared watch helper (relists on 410, backs off). */
import type { KubeConfig, V1Node } from '@kubernetes/client-node';
import { deadline, DeadlineError } from '../../core/abort.js';
import { watchUntil, type KubeObject, type WatchSource } from '../../kube/watch.js';

export function isReady(node: V1Node | KubeObject): boolean {
  return (node as V1Node).status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Watches `source` until `decide` holds for the current objects; DeadlineError naming `phase` after `ms`. */
export async function waitFor(kc: KubeConfig, source: WatchSource, phase: string, ms: number, signal: AbortSignal, decide: (objects: KubeObject[]) => boolean): Promise<number> {
  const bounded = deadline(signal, ms);
  try {
    return (await watchUntil(kc, { source, signal: bounded, decide: (objects) => (decide(objects) ? true : undefined) })).at;
  } catch (err) {
    if (signal.aborted) throw err;
    if (bounded.aborted) throw new DeadlineError(phase, ms);
    throw err;
  }
}
