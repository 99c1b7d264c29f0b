/**
 * disk.staleStaging: seed 002's out-of-space wedge. Leaves a drive full of dead staging
 * (partial uploads a crashed server never cleaned) in the server's own staging folder,
 * `.minio.sys/tmp` by default: a server that clears its staging on start reclaims the
 * space, one that does not stays wedged. Written straight onto the drive from the host,
 * as the leak would be. Undo removes the file if the server has not already.
 */
import { mkdir, rm, statfs } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import type { FaultDef } from '../core/contracts.js';
import { fillWith } from '../core/fill.js';
import { ExitCode, FaultlineError } from '../core/errors.js';
import { formatSize, parsePercent } from '../core/units.js';
import { standDrives } from '../s3/drives.js';
import { nodeNameSchema } from './node-common.js';
import { confirmFilled } from './node-effects.js';

export interface StaleStagingSpec {
  node: string;
  /** 1 = the node's first drive */
  drive?: number;
  /** staging folder relative to the drive */
  dir?: string;
  /** "full" or a percentage of the drive */
  to?: string;
}
type Undo = { node: string; drive: number; file: string };

const STALE_NAME = 'faultline-stale-staging.part';

function stagingFile(s: StaleStagingSpec, drives: Readonly<Record<string, string[]>>): Undo {
  const dir = normalize(s.dir ?? '.minio.sys/tmp');
  if (isAbsolute(dir) || dir.startsWith('..')) throw new FaultlineError('invalid-staging-dir', `disk.staleStaging: dir must be a folder inside the drive, got ${s.dir}`, { exitCode: ExitCode.invalidInput });
  const drive = s.drive ?? 1;
  const root = drives[s.node]?.[drive - 1];
  if (!root) throw new FaultlineError('unknown-drive', `disk.staleStaging: ${s.node} has no drive ${drive} (nodes: ${Object.keys(drives).join(', ')})`, { exitCode: ExitCode.invalidInput });
  return { node: s.node, drive, file: join(root, dir, STALE_NAME) };
}

const fractionOf = (s: StaleStagingSpec) => (!s.to || s.to === 'full' ? 1 : parsePercent(s.to)!);

const fault: FaultDef<StaleStagingSpec, Undo> = {
  kind: 'disk.staleStaging',
  summary: "leave a node's drive full of stale staging in the server's staging folder (seed 002); undo removes what is left of it",
  requires: ['nodes', 'disk'],
  schema: {
    type: 'object',
    required: ['node'],
    additionalProperties: false,
    properties: {
      node: nodeNameSchema,
      drive: { type: 'integer', minimum: 1, default: 1, description: "which of the node's drives, 1 = the first" },
      dir: { type: 'string', minLength: 1, default: '.minio.sys/tmp', description: "the server's staging folder, relative to the drive" },
      to: { type: 'string', pattern: '^(full|(100|[1-9]?\\d)(\\.\\d+)?%)$', default: 'full', description: 'how full the drive ends up' },
    },
  },
  describe: (s) => `fill drive ${s.drive ?? 1} of ${s.node} to ${s.to ?? 'full'} with stale staging in ${s.dir ?? '.minio.sys/tmp'}`,
  footprint: (s) => ({ nodes: [s.node] }),
  prepare: async (s, ctx) => stagingFile(s, standDrives(ctx.stand, 'disk.staleStaging')),
  async inject(s, undo, ctx) {
    const fraction = fractionOf(s);
    await mkdir(join(undo.file, '..'), { recursive: true });
    const bytes = await fillWith(undo.file, fraction, ctx.signal, `disk.staleStaging on ${undo.node}`);
    const after = await statfs(join(undo.file, '..'));
    return { node: undo.node, drive: undo.drive, bytes, usedPercent: Math.round((1 - after.bavail / after.blocks) * 1000) / 10, staged: formatSize(bytes) };
  },
  // the drive is as full as asked (what the stand's driver sees of it)
  confirm: (s, undo, _i, ctx) => confirmFilled(undo.node, undo.drive - 1, fractionOf(s), ctx),
  async revert(undo) {
    await rm(undo.file, { force: true });
  },
};

export default fault;
