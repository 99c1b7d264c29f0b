/**
 * The NodeDriver contract says a missing method means "cannot do it here", so a
 * fault can refuse in prepare() before anything is journaled. Drivers implement
 * every method (throwing UnsupportedError) and hand out this view, which carries
 * only the methods the stand file configured.
 */
import type { NodeDriver } from '../../core/contracts.js';

export type NodeOp = Exclude<keyof NodeDriver, 'kind' | 'list'>;

export function supportedView(driver: NodeDriver, ops: Iterable<NodeOp>): NodeDriver {
  const view: Record<string, unknown> = { kind: driver.kind, list: () => driver.list() };
  for (const op of ops) {
    const fn = driver[op] as ((...a: unknown[]) => unknown) | undefined;
    if (fn) view[op] = fn.bind(driver);
  }
  return view as unknown as NodeDriver;
}
