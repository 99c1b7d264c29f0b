/**
 * Typed API clients for a stand's cluster, and per-call options that carry an
 * AbortSignal (bounded) and, for patches, the content type.
 */
import { AppsV1Api, CoreV1Api, Observable, PolicyV1Api, PatchStrategy } from './sdk.js';
import type { ConfigurationOptions, KubeConfig, ObservableMiddleware, RequestContext, ResponseContext } from '@kubernetes/client-node';
import type { Context, KubeTarget } from '../core/contracts.js';
import { UnsupportedError } from '../core/errors.js';
import { deadline } from '../core/abort.js';

/** Bound of one API call (not of a watch, which has its own). */
export const CALL_MS = 20_000;

export interface KubeClients {
  kc: KubeConfig;
  context: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  policy: PolicyV1Api;
}

const cache = new WeakMap<KubeConfig, KubeClients>();

export function clientsFor(target: KubeTarget): KubeClients {
  let c = cache.get(target.kc);
  if (!c) {
    const kc = target.kc;
    c = { kc, context: target.context, core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), policy: kc.makeApiClient(PolicyV1Api) };
    cache.set(kc, c);
  }
  return c;
}

/** The stand's cluster, or UnsupportedError naming what needed it. */
export function kubeOf(ctx: Context, what: string): KubeClients {
  const kube = ctx.stand.kube;
  if (!kube) throw new UnsupportedError(what, ctx.stand.name, ctx.stand.unsupported.get('kubernetes') ?? 'the stand has no Kubernetes cluster');
  return clientsFor(kube);
}

export interface CallOptions {
  /** default CALL_MS */
  ms?: number;
  /** for PATCH: merge patch instead of the generator's default (JSON patch) */
  patch?: 'merge' | 'strategic';
}

/**
 * Options for one generated-client call: aborts with `signal` or after the bound.
 * Pass as the second argument, e.g. `core.readNode({ name }, opts(signal))`.
 */
export function opts(signal: AbortSignal, o: CallOptions = {}): ConfigurationOptions {
  const bounded = deadline(signal, o.ms ?? CALL_MS);
  const contentType = o.patch === 'merge' ? PatchStrategy.MergePatch : o.patch === 'strategic' ? PatchStrategy.StrategicMergePatch : undefined;
  // makeApiClient's object-parameter API runs Observable middleware
  const mw: ObservableMiddleware = {
    pre: (req: RequestContext) => {
      req.setSignal(bounded);
      if (contentType) req.setHeaderParam('Content-Type', contentType);
      return new Observable(Promise.resolve(req));
    },
    post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
  };
  return { middleware: [mw], middlewareMergeStrategy: 'append' };
}
