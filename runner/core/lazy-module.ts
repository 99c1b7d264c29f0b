/**
 * A package loaded on first use instead of at import. The Kubernetes client and the AWS
 * SDK cost the CLI most of its start-up (`--help`, `validate`) while only a stand, probe or
 * fault that talks to a server needs them; the kits (runner/kube/sdk.ts, runner/s3/sdk.ts)
 * hand out stand-ins for the exports they use, so plug-ins import those like the package.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface LazyModule<M> {
  /** the module, loaded now (synchronously, blocking) if nothing loaded it yet */
  get(): M;
  /** loads it without the synchronous stall, where a stall would be measured (before a run) */
  load(): Promise<M>;
  /** whether it is loaded: no object of it can exist before */
  readonly loaded: boolean;
  /**
   * A stand-in for one export (class, function or object): loads the module on first
   * `new`, call or property access, then forwards to the real export. `instanceof` works.
   * Subclassing it at module top level would load the module at import: extend inside a function.
   */
  value<K extends keyof M>(name: K): M[K];
}

export function lazyModule<M>(specifier: string): LazyModule<M> {
  let mod: M | undefined;
  const get = (): M => (mod ??= require(specifier) as M);
  return {
    get,
    async load() {
      // the ESM graph is read asynchronously; require() then returns the same, now cached, module
      if (!mod) await import(specifier);
      return get();
    },
    get loaded() {
      return mod !== undefined;
    },
    value<K extends keyof M>(name: K): M[K] {
      type Ctor = new (...a: unknown[]) => object;
      const real = () => get()[name] as unknown as Ctor;
      const stand: Ctor = new Proxy(function lazyExport() {} as unknown as Ctor, {
        get: (_, p) => Reflect.get(real(), p) as unknown,
        has: (_, p) => Reflect.has(real(), p),
        getPrototypeOf: () => Reflect.getPrototypeOf(real()),
        construct: (_, args, newTarget: Ctor): object => Reflect.construct(real(), args, newTarget === stand ? real() : newTarget),
        apply: (_, self, args): unknown => Reflect.apply(real() as unknown as (...a: unknown[]) => unknown, self, args),
      });
      return stand as unknown as M[K];
    },
  };
}
