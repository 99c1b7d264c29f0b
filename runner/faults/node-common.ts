/** Shared by the node faults: find the stand's NodeDriver and the operations a fault needs. */
import type { Capability, Context, FaultDef, JsonSchema, JsonValue, NodeDriver, Observation } from '../core/contracts.js';
import { FaultlineError, UnsupportedError, ExitCode } from '../core/errors.js';

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
    throw new FaultlineError('unknown-node', `${fault}: no node ${unknown.join(', ')} on this stand`, { exitCode: ExitCode.invalidInput, hint: `nodes: ${known.join(', ')}` });
  }
}

type NodeOp = 'kill' | 'stop' | 'start' | 'pause' | 'resume' | 'powerOff' | 'powerOn';

export interface OneNodeFault {
  kind: string;
  summary: string;
  describe(node: string): string;
  /** the driver call that injects, and the one that undoes it */
  op: NodeOp;
  undo: NodeOp;
  /** the capability whose absence the stand may explain */
  related?: Capability;
  /** what to record of the node right before `op`, handed to confirm (e.g. the processes it ends) */
  before?(node: string, ctx: Context): Promise<JsonValue>;
  /** one look at whether it took effect (FaultDef.confirm); `before` is what before() recorded */
  confirm?(node: string, ctx: Context, before: JsonValue | undefined): Promise<Observation>;
}

/** A fault on one node that is one driver call, undone by another (kill/start, pause/resume, ...). */
export function oneNodeFault(f: OneNodeFault): FaultDef<{ node: string }, { node: string }> {
  const driver = (ctx: Context, ops: NodeOp[]) => nodeDriver(ctx, f.kind, ops, f.related);
  return {
    kind: f.kind,
    summary: f.summary,
    requires: ['nodes'],
    schema: { type: 'object', required: ['node'], additionalProperties: false, properties: { node: nodeNameSchema } },
    describe: (s) => f.describe(s.node),
    footprint: (s) => ({ nodesDown: [s.node] }),
    async prepare(s, ctx) {
      checkNodes(driver(ctx, [f.op, f.undo]), f.kind, [s.node]);
      return { node: s.node };
    },
    async inject(_s, undo, ctx) {
      const d = driver(ctx, [f.op]);
      const injected: Record<string, JsonValue> = { node: undo.node };
      if (f.before) injected.before = await f.before(undo.node, ctx);
      await d[f.op]!(undo.node, ctx.signal);
      return injected;
    },
    async revert(undo, ctx) {
      await driver(ctx, [f.undo])[f.undo]!(undo.node, ctx.signal);
    },
    ...(f.confirm
      ? { confirm: (_s: { node: string }, undo: { node: string }, injected: Record<string, JsonValue>, ctx: Context) => f.confirm!(undo.node, ctx, injected.before) }
      : {}),
  };
}
