/** Small Kubernetes API helpers for the kwok stand: bounded calls and a node watch. */
import { CoreV1Api, Observable, PatchStrategy, Watch } from '@kubernetes/client-node';
import type { ConfigurationOptions, KubeConfig, ObservableMiddleware, RequestContext, ResponseContext, V1Node } from '@kubernetes/client-node';
import { deadline, DeadlineError, sleep } from '../../core/abort.js';

export const CALL_MS = 15_000;

/**
 * Per-call options: abort with `signal` or after `ms`; `merge` sends a JSON merge patch.
 * The object-parameter API (what makeApiClient returns) runs Observable middleware.
 */
export function callOpts(signal: AbortSignal, o: { ms?: number; merge?: boolean } = {}): ConfigurationOptions {
  const bounded = deadline(signal, o.ms ?? CALL_MS);
  const mw: ObservableMiddleware = {
    pre: (req: RequestContext) => {
      req.setSignal(bounded);
      if (o.merge) req.setHeaderParam('Content-Type', PatchStrategy.MergePatch);
      return new Observable(Promise.resolve(req));
    },
    post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
  };
  return { middleware: [mw], middlewareMergeStrategy: 'append' };
}

/** HTTP status of a client-node ApiException, if it is one. */
export function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export function isReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * Lists nodes, then watches them until `decide` holds for the current set (relists
 * when the watch ends). Resolves with the epoch ms it held; DeadlineError after `ms`.
 */
export async function waitForNodes(
  kc: KubeConfig,
  phase: string,
  ms: number,
  signal: AbortSignal,
  decide: (nodes: Map<string, V1Node>) => boolean,
): Promise<number> {
  const bounded = deadline(signal, ms);
  const core = kc.makeApiClient(CoreV1Api);
  try {
    for (;;) {
      const list = await core.listNode({}, callOpts(bounded));
      const nodes = new Map(list.items.map((n) => [n.metadata!.name!, n]));
      if (decide(nodes)) return Date.now();
      const held = await watchUntil(kc, list.metadata?.resourceVersion, nodes, bounded, decide);
      if (held) return held;
      await sleep(300, bounded);
    }
  } catch (err) {
    if (signal.aborted) throw err;
    if (bounded.aborted) throw new DeadlineError(phase, ms);
    throw err;
  }
}

/** One watch connection; resolves with the time `decide` held, or 0 when the watch ended first. */
async function watchUntil(
  kc: KubeConfig,
  resourceVersion: string | undefined,
  nodes: Map<string, V1Node>,
  signal: AbortSignal,
  decide: (nodes: Map<string, V1Node>) => boolean,
): Promise<number> {
  signal.throwIfAborted();
  let settle!: (v: number) => void;
  let fail!: (e: unknown) => void;
  const result = new Promise<number>((resolve, reject) => ((settle = resolve), (fail = reject)));
  const ctrl = await new Watch(kc).watch(
    '/api/v1/nodes',
    { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 60 },
    (type, obj: V1Node) => {
      const name = obj.metadata?.name;
      if (!name || type === 'BOOKMARK') return;
      if (type === 'DELETED') nodes.delete(name);
      else nodes.set(name, obj);
      if (decide(nodes)) settle(Date.now());
    },
    () => settle(0),
  );
  const onAbort = () => fail(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await result;
  } finally {
    signal.removeEventListener('abort', onAbort);
    ctrl.abort();
  }
}
