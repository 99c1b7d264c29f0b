/** node.driveUsage: how full one drive of a node is (statfs of its data root), against a maximum. */
import { statfs } from 'node:fs/promises';
import type { ProbeDef } from '../core/contracts.js';
import { ExitCode, FaultlineError } from '../core/errors.js';
import { mustPercent } from '../core/units.js';
import { standDrives } from '../s3/drives.js';

export interface DriveUsageSpec {
  node: string;
  /** 1 = the node's first drive */
  drive?: number;
  /** highest used share that passes, e.g. "50%" */
  max: string;
}

const probe: ProbeDef<DriveUsageSpec> = {
  kind: 'node.driveUsage',
  summary: "a node's drive is at most `max` full (a drive the server cannot reclaim stays wedged)",
  requires: ['nodes', 'disk'],
  schema: {
    type: 'object',
    required: ['node', 'max'],
    additionalProperties: false,
    properties: {
      node: { type: 'string', minLength: 1 },
      drive: { type: 'integer', minimum: 1, default: 1 },
      max: { type: 'string', pattern: '^(100|[1-9]?\\d)(\\.\\d+)?%$', description: 'highest used share that passes, like 50%' },
    },
  },
  describe: (s) => `drive ${s.drive ?? 1} of ${s.node} at most ${s.max} full`,
  async evaluate(s, ctx) {
    const drive = s.drive ?? 1;
    const path = standDrives(ctx.stand, 'node.driveUsage')[s.node]?.[drive - 1];
    if (!path) throw new FaultlineError('unknown-drive', `node.driveUsage: ${s.node} has no drive ${drive}`, { exitCode: ExitCode.invalidInput });
    const st = await statfs(path);
    const used = 1 - st.bavail / st.blocks;
    const pct = Math.round(used * 1000) / 10;
    return {
      ok: used <= mustPercent(s.max),
      value: `drive ${drive} of ${s.node}: ${pct}% used (max ${s.max})`,
      data: { node: s.node, drive, usedPercent: pct },
    };
  },
};

export default probe;
