/** JSONPath over API objects; accepts kubectl's `{.status.x}` form as well as `$.status.x`. */
import type * as JsonPathPlus from 'jsonpath-plus';
import { FaultlineError } from '../core/errors.js';
import { lazyModule } from '../core/lazy-module.js';

// loaded on the first query: the probes that use it are in the catalog, which --help and validate build
const jsonPathPlus = lazyModule<typeof JsonPathPlus>('jsonpath-plus');

export function normalizePath(path: string): string {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1).trim();
  if (p.startsWith('$')) return p;
  if (p.startsWith('.') || p.startsWith('[')) return `$${p}`;
  return `$.${p}`;
}

/** Every match of `path` in `json` (empty when nothing matches). */
export function query(path: string, json: unknown): unknown[] {
  try {
    return jsonPathPlus.get().JSONPath({ path: normalizePath(path), json: json as object, wrap: true, eval: 'safe' }) as unknown[];
  } catch (err) {
    throw new FaultlineError('jsonpath', `bad JSON path ${path}`, { cause: err });
  }
}
