/** `faultline stand up local`: 4 nodes x 4 drives of MinIO, each node in its own network namespace. */
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pollUntil } from '../../core/abort.js';
import { FaultlineError, ExitCode } from '../../core/errors.js';
import { formatDuration, formatSize, parseSize } from '../../core/units.js';
import { ensureTool } from '../toolchain.js';
import type { StandIO } from '../../core/stand-kind.js';
import { mountTmpfs } from './drives.js';
import { teardown, describeRemoved } from './down.js';
import { run } from './exec.js';
import { healthPath, httpStatus, metricsPath, describeAnswer } from './health.js';
import { boot, installKernels } from './kernel.js';
import { DEFAULT_DRIVE_SIZE, REGION, credentialsPath, endpointOf, layouts, standRoot, type StandMode } from './layout.js';
import { createBridge, createNodeNetwork } from './network.js';
import { isEmpty, isUp, presence } from './presence.js';
import { startService } from './service.js';
import { generateCredentials, readState, saveCredentials, writeState, type StandState } from './state.js';

const HEALTH_WAIT_MS = 180_000;

export const LOOPBACK_HINT =
  'run it as root, or use `faultline stand up local --loopback` for 4 MinIO processes on 127.0.0.1 with plain directories (power-off, partitions and disk fill are then unsupported)';

/** Why this machine cannot run the netns stand, or undefined when it can. */
export async function netnsProblem(signal: AbortSignal, uid = process.getuid?.() ?? 0): Promise<string | undefined> {
  if (uid !== 0) return `the local stand needs root for network namespaces, tmpfs drives and nft rules (running as uid ${uid})`;
  for (const tool of ['ip', 'nft', 'nsenter', 'unshare', 'mount', 'fallocate']) {
    if (!(await onPath(tool))) return `${tool} is not installed (Debian packages: iproute2, nftables, util-linux, mount)`;
  }
  const r = await run('unshare', ['--net', 'true'], signal, { allowFailure: true });
  if (!r.ok) return `network namespaces are not available here (unshare --net: ${r.stderr || 'failed'})`;
  return undefined;
}

async function onPath(tool: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    if (await access(join(dir, tool), constants.X_OK).then(() => true, () => false)) return true;
  }
  return false;
}

/** Validated against the kind's options schema (index.ts) before they get here. */
export interface LocalOptions {
  loopback?: boolean;
  driveSize?: string;
  minioDefaults?: boolean;
}

export async function up(options: LocalOptions, io: StandIO): Promise<void> {
  const { signal } = io;
  const mode: StandMode = options.loopback ? 'loopback' : 'netns';
  const sizeText = options.driveSize ?? DEFAULT_DRIVE_SIZE;
  const driveSize = parseSize(sizeText);
  if (!driveSize || driveSize < 64 * 1024 ** 2) {
    throw new FaultlineError('invalid-option', `--drive-size ${sizeText}: must be a size of at least 64MiB, like 1GiB`, { exitCode: ExitCode.invalidInput });
  }

  const found = await presence(signal);
  // namespaces and mounts outlive the processes of a session or machine that ended
  const orphaned = isUp(found) && found.pids.length === 0;
  if (orphaned) io.log('the local stand is set up but none of its MinIO processes runs any more; rebuilding it');
  if (isUp(found) && !orphaned) {
    const s = found.state!;
    const other = s.mode !== mode ? ` (in ${s.mode} mode; run \`faultline stand down local\` first to switch)` : '';
    io.log(`local stand is already up${other}: S3 endpoint ${s.endpoint}, credentials in ${s.credentialsFile}; nothing to do`);
    return;
  }
  if (mode === 'netns') {
    const problem = await netnsProblem(signal);
    if (problem) throw new FaultlineError('stand-needs-root', problem, { hint: LOOPBACK_HINT });
  }
  if (!isEmpty(found)) {
    io.log('found leftovers of an earlier local stand that did not finish; removing them first');
    io.log(describeRemoved(await teardown(signal, found)));
  }

  const started = Date.now();
  const minio = await ensureTool('minio', signal, io.log);
  const root = standRoot();
  const nodes = layouts(mode, root);
  const creds = generateCredentials();
  await mkdir(root, { recursive: true, mode: 0o700 });
  const state: StandState = {
    version: 1,
    mode,
    createdAt: new Date().toISOString(),
    root,
    minio,
    driveSize: mode === 'netns' ? driveSize : undefined,
    minioDefaults: options.minioDefaults ?? false,
    endpoint: endpointOf(nodes[0]!),
    credentialsFile: await saveCredentials(creds),
    nodes: Object.fromEntries(nodes.map((n) => [n.name, { layout: n }])),
  };
  // Written before anything is created, so a crash part-way leaves a record to clean up from.
  await writeState(state);

  if (mode === 'netns') {
    io.log(`creating bridge and ${nodes.length} node namespaces, mounting ${nodes.length * nodes[0]!.drives.length} tmpfs drives of ${formatSize(driveSize)}`);
    await createBridge(signal);
  }
  for (const n of nodes) {
    if (mode === 'netns') await createNodeNetwork(n, signal);
    for (const d of n.drives) {
      if (mode === 'netns') await mountTmpfs(d, driveSize, signal);
      else await mkdir(d, { recursive: true });
    }
    await installKernels(n.dir);
  }
  for (const n of nodes) {
    const { refused } = await boot(n.dir, n.log);
    if (refused) throw new FaultlineError('local-boot', `${n.name}: ${refused}`);
    await startService(state, n, creds, signal);
  }

  const healthUrl = `${state.endpoint}${healthPath}`;
  io.log(`waiting for the cluster to be healthy (${healthUrl}, up to ${HEALTH_WAIT_MS / 1000} s)`);
  let last = '';
  try {
    await pollUntil('the local cluster to become healthy', HEALTH_WAIT_MS, signal, async (s) => {
      const a = await httpStatus(healthUrl, s);
      last = describeAnswer(a);
      return a.status === 200 ? true : undefined;
    }, 500);
  } catch (err) {
    throw new FaultlineError('stand-unhealthy', `the local cluster did not become healthy (last answer: ${last})`, {
      cause: err,
      hint: `node logs are in ${root}/nodes/*/node.log; \`faultline stand down local\` removes the stand`,
    });
  }
  // Re-read: starting the nodes recorded their pids and commands.
  await writeState({ ...((await readState()) ?? state), ready: true });
  io.log(`local stand up in ${formatDuration(Date.now() - started)} (${mode} mode, ${nodes.length} nodes x ${nodes[0]!.drives.length} drives)`);
  io.log(`S3 endpoint: ${state.endpoint} (region ${REGION})`);
  io.log(`credentials: ${credentialsPath()} (mode 0600)`);
  io.log(`metrics: ${state.endpoint}${metricsPath}`);
}
