/** `faultline stand up local[-<name>] [--server X]`: 4 nodes x 4 drives of the chosen server, each node in its own network namespace. */
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
import { boot, installKernels } from './kernel.js';
import { DEFAULT_DRIVE_SIZE, REGION, credentialsPath, endpointOf, layouts, standRoot, type Site, type StandMode } from './layout.js';
import { createBridge, createNodeNetwork } from './network.js';
import { isEmpty, isUp, presence } from './presence.js';
import { isServerName, serverList, storageServer, type StorageServer } from './servers/index.js';
import { startService } from './service.js';
import { generateCredentials, readState, saveCredentials, serverOf, writeState, type StandState } from './state.js';
import { otherSiteUsing } from './sites.js';

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
  /** one of the server list's names (servers/index.ts) */
  server?: string;
}

/** `--server`, else the server a `local-<server>` name names, else MinIO. */
export function serverOption(site: Site, options: LocalOptions): StorageServer {
  const byName = site.name.slice('local-'.length);
  // the schema's enum has checked a given one
  return storageServer(options.server ?? (isServerName(byName) ? byName : serverList[0]!.name));
}

export async function up(site: Site, options: LocalOptions, io: StandIO): Promise<void> {
  const { signal } = io;
  const mode: StandMode = options.loopback ? 'loopback' : 'netns';
  const server = serverOption(site, options);
  if (mode === 'loopback' && !server.loopback) {
    throw new FaultlineError('invalid-option', `--loopback: ${server.title} runs in network namespaces only`, { exitCode: ExitCode.invalidInput });
  }
  const sizeText = options.driveSize ?? DEFAULT_DRIVE_SIZE;
  const driveSize = parseSize(sizeText);
  if (!driveSize || driveSize < 64 * 1024 ** 2) {
    throw new FaultlineError('invalid-option', `--drive-size ${sizeText}: must be a size of at least 64MiB, like 1GiB`, { exitCode: ExitCode.invalidInput });
  }

  const found = await presence(site, signal);
  const name = site.name;
  // namespaces and mounts outlive the processes of a session or machine that ended
  const orphaned = isUp(found) && found.pids.length === 0;
  if (orphaned) io.log(`the ${name} stand is set up but none of its server processes runs any more; rebuilding it`);
  if (isUp(found) && !orphaned) {
    const s = found.state!;
    const switching = s.mode !== mode ? `${s.mode} mode` : serverOf(s) !== server.name ? `${storageServer(serverOf(s)).title}` : '';
    const other = switching ? ` (running ${switching}; run \`faultline stand down ${name}\` first to switch)` : '';
    io.log(`${name} stand is already up${other}: S3 endpoint ${s.endpoint}, credentials in ${s.credentialsFile}; nothing to do`);
    return;
  }
  const clash = await otherSiteUsing(site);
  if (clash) {
    throw new FaultlineError('stand-name-clash', `the names ${site.prefix}-node* and subnet ${site.subnetPrefix}.0/24 of ${name} are taken by the stand ${clash}`, {
      exitCode: ExitCode.invalidInput,
      hint: 'choose another name (the site index comes from a hash of the name)',
    });
  }
  if (mode === 'netns') {
    const problem = await netnsProblem(signal);
    if (problem) throw new FaultlineError('stand-needs-root', problem, { hint: LOOPBACK_HINT });
  }
  if (!isEmpty(found)) {
    io.log(`found leftovers of an earlier ${name} stand that did not finish; removing them first`);
    io.log(describeRemoved(await teardown(site, signal, found)));
  }

  const started = Date.now();
  const binary = await ensureTool(server.tool, signal, io.log);
  const root = standRoot(site);
  const nodes = layouts(mode, site, root);
  const creds = generateCredentials();
  await mkdir(root, { recursive: true, mode: 0o700 });
  const state: StandState = {
    version: 1,
    mode,
    createdAt: new Date().toISOString(),
    root,
    name,
    server: server.name,
    binary,
    driveSize: mode === 'netns' ? driveSize : undefined,
    minioDefaults: options.minioDefaults ?? false,
    endpoint: endpointOf(nodes[0]!),
    credentialsFile: await saveCredentials(creds, site),
    nodes: Object.fromEntries(nodes.map((n) => [n.name, { layout: n }])),
  };
  // Written before anything is created, so a crash part-way leaves a record to clean up from.
  await writeState(state);

  if (mode === 'netns') {
    io.log(`creating bridge and ${nodes.length} node namespaces, mounting ${nodes.length * nodes[0]!.drives.length} tmpfs drives of ${formatSize(driveSize)}`);
    await createBridge(signal, site.bridge, site.bridgeAddress);
  }
  for (const n of nodes) {
    if (mode === 'netns') await createNodeNetwork(n, signal, site.bridge);
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

  io.log(`waiting for the ${server.title} cluster to be healthy (up to ${HEALTH_WAIT_MS / 1000} s)`);
  let last = '';
  try {
    await pollUntil(`the ${name} cluster to become healthy`, HEALTH_WAIT_MS, signal, async (s) => {
      const r = await server.readiness(state, s);
      last = r.detail;
      return r.ready ? true : undefined;
    }, 500);
  } catch (err) {
    throw new FaultlineError('stand-unhealthy', `the ${name} cluster did not become healthy (last answer: ${last})`, {
      cause: err,
      hint: `node logs are in ${root}/nodes/*/node.log; \`faultline stand down ${name}\` removes the stand`,
    });
  }
  // Re-read: starting the nodes recorded their pids and commands.
  await writeState({ ...((await readState(site)) ?? state), ready: true });
  io.log(`${name} stand up in ${formatDuration(Date.now() - started)} (${server.title}, ${mode} mode, ${nodes.length} nodes x ${nodes[0]!.drives.length} drives)`);
  io.log(`S3 endpoint: ${state.endpoint} (region ${REGION})`);
  io.log(`credentials: ${credentialsPath(site)} (mode 0600)`);
  if (server.metricsPath) io.log(`metrics: ${state.endpoint}${server.metricsPath}`);
}
