/** Shared by the node faults: find the stand's NodeDriver and the operations a fault needs. */
import type { Capability, Context, JsonSchema, NodeDriver } from '../core/contracts.js';
import { FaultlineError, UnsupportedError } from '../core/errors.js';

export const nodeNameSchema: JsonSchema = { type: 'string', minLength: 1, description: 'node name as the stand lists it, e.g. node4' };

type Op = Exclude<keyof NodeDriver, 'kind' | 'list'>;

/**
 * The stand's driver, checked to have every operation in `ops` (the inject and its undo).
 * Throws UnsupportedError otherwise, before anything is touched; `related` names the
 * capability whose absence the stand may explain.
 */
export function nodeDriver(ctx: Context, fault: string, ops: Op[], related?: Capability): NodeDriver {
  const d = ctx.stand.nodes;
  if (!d) throw new UnsupportedError(fault, ctx.stand.name, ctx.stand.unsupported.get('nodes') ?? 'the stand has no node driver');
  const missing = ops.filter((op) => typeof d[op] !== 'function');
  if (missing.length) {
    // The stand's own words for why (e.g. "loopback-only mode: ...") beat a method name.
    const why = (related && ctx.stand.unsupported.get(related)) ?? `the ${d.kind} node driver cannot ${missing.join(' or ')}`;
    throw new UnsupportedError(fault, ctx.stand.name, why);
  }
  return d;
}

export function checkNodes(d: NodeDriver, fault: string, names: string[]): void {
  const known = d.list();
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) {
    throw new FaultlineError('unknown-node', `${fault}: no node ${unknown.join(', ')} on this stand`, { exitCode: 2, hint: `nodes: ${known.join(', ')}` });
  }
}
