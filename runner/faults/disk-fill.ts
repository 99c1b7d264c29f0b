/** disk.fill: fill one drive of a node to a percentage (or full) with a filler file; undo removes it. */
import type { FaultDef } from '../core/contracts.js';
import { FaultlineError, ExitCode } from '../core/errors.js';
import { parsePercent } from '../core/units.js';
import { checkNodes, nodeDriver, nodeNameSchema } from './node-common.js';
import { confirmFilled } from './node-effects.js';

export interface DiskFillSpec {
  node: string;
  /** 1 = the node's first drive */
  drive?: number;
  /** "95%" or "full" */
  to: string;
}
/** `drive` is 0-based here, as the driver takes it. */
type Undo = { node: string; drive: number; file: string | null };

function fractionOf(to: string): number {
  const f = to === 'full' ? 1 : parsePercent(to);
  if (f === undefined) throw new FaultlineError('invalid-fill', `disk.fill: "to" must be a percentage like 95% or "full", got ${to}`, { exitCode: ExitCode.invalidInput });
  return f;
}

const fault: FaultDef<DiskFillSpec, Undo> = {
  kind: 'disk.fill',
  summary: "fill a node's drive to a percentage or full; undo removes the filler",
  requires: ['nodes', 'disk'],
  schema: {
    type: 'object',
    required: ['node', 'to'],
    additionalProperties: false,
    properties: {
      node: nodeNameSchema,
      drive: { type: 'integer', minimum: 1, default: 1, description: "which of the node's drives, 1 = the first" },
      to: {
        type: 'string',
        pattern: '^(full|(100|[1-9]?\\d)(\\.\\d+)?%)$',
        description: 'how full the drive ends up: a percentage like "95%", or "full"',
      },
    },
  },
  describe: (s) => `fill drive ${s.drive ?? 1} of ${s.node} to ${s.to}`,
  footprint: (s) => ({ nodes: [s.node] }),
  async prepare(s, ctx) {
    const d = nodeDriver(ctx, 'disk.fill', ['fillDisk', 'clearFill'], 'disk');
    checkNodes(d, 'disk.fill', [s.node]);
    fractionOf(s.to);
    const drive = (s.drive ?? 1) - 1;
    return { node: s.node, drive, file: d.fillPath ? d.fillPath(s.node, drive) : null };
  },
  async inject(s, undo, ctx) {
    const r = await nodeDriver(ctx, 'disk.fill', ['fillDisk'], 'disk').fillDisk!(undo.node, undo.drive, fractionOf(s.to), ctx.signal);
    return { node: undo.node, drive: undo.drive + 1, file: r.file, bytes: r.bytes };
  },
  async revert(undo, ctx) {
    const d = nodeDriver(ctx, 'disk.fill', ['fillDisk', 'clearFill'], 'disk');
    // Drivers that cannot name the filler up front replace it on every fill: filling to 0% removes it.
    if (undo.file) await d.clearFill!(undo.node, undo.file, ctx.signal);
    else await d.fillDisk!(undo.node, undo.drive, 0, ctx.signal);
  },
  confirm: (s, undo, _i, ctx) => confirmFilled(undo.node, undo.drive, fractionOf(s.to), ctx),
};

export default fault;
