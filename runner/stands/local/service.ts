/** The storage service of a node: MinIO, started detached in the node's namespace. */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sleep } from '../../core/abort.js';
import { FaultlineError } from '../../core/errors.js';
import { endpointOf, type NodeLayout } from './layout.js';
import { isAlive, pidsMatching } from '../../core/proc.js';
import { updateNode, type Credentials, type StandState } from './state.js';

/** Secret variables: passed to MinIO, recorded by name only. */
const SECRET_ENV = ['MINIO_ROOT_USER', 'MINIO_ROOT_PASSWORD'];

/** One erasure set over all 16 drives; listed one by one since every node has its own paths. */
export function serverEndpoints(state: StandState): string[] {
  return Object.values(state.nodes).flatMap(({ layout: n }) => n.drives.map((d) => `${endpointOf(n)}${d}`));
}

export function serverCommand(state: StandState, n: NodeLayout): string[] {
  const argv = [
    state.minio,
    'server',
    '--address',
    `${n.address}:${n.port}`,
    '--console-address',
    `${n.address}:${n.consolePort}`,
    '--certs-dir',
    join(n.dir, 'certs'),
    ...serverEndpoints(state),
  ];
  // nsenter execs MinIO in place, so the pid we get is MinIO's own.
  return n.netns ? ['nsenter', `--net=/run/netns/${n.netns}`, '--', ...argv] : argv;
}

const fastFailover = { MINIO_CONN_USER_TIMEOUT: '3s', MINIO_DRIVE_MAX_TIMEOUT: '5s' };

function serverEnv(state: StandState, n: NodeLayout): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    // MinIO keeps its client config under $HOME/.minio; give each node its own.
    HOME: n.dir,
    MINIO_PROMETHEUS_AUTH_TYPE: 'public',
    MINIO_UPDATE: 'off',
  };
  if (!state.minioDefaults) {
    // Dead-peer detection in line with the seeds' fixed cluster (3-8 s): TCP_USER_TIMEOUT
    // fails writes to a silent peer, and drive calls to it give up, instead of minutes.
    Object.assign(env, fastFailover);
  }
  if (state.mode === 'loopback') {
    // Plain directories on the host's root filesystem would be refused as "root drives".
    env.MINIO_ROOTDRIVE_THRESHOLD_SIZE = '1B';
    // Where MinIO thinks it runs in a container (/.dockerenv), it waits forever for
    // 127.0.0.1 endpoints to "resolve to a real IP" unless told which one is its own.
    env._MINIO_SERVER_LOCAL = `${n.address}:${n.port}`;
  }
  return env;
}

/** Live MinIO processes of a node, found by the address they serve. */
export function servicePids(n: NodeLayout): Promise<number[]> {
  const addr = `${n.address}:${n.port}`;
  return pidsMatching((argv) => argv[0]!.endsWith('/minio') && argv[1] === 'server' && argv.includes(addr));
}

/** Starts MinIO for a node unless it already runs; records pid and command in state.json. */
export async function startService(state: StandState, n: NodeLayout, creds: Credentials, signal: AbortSignal): Promise<number> {
  const running = await servicePids(n);
  if (running.length) return running[0]!;
  signal.throwIfAborted();
  await mkdir(join(n.dir, 'certs'), { recursive: true });
  const argv = serverCommand(state, n);
  const env = serverEnv(state, n);
  const fd = openSync(n.log, 'a', 0o600);
  let pid: number | undefined;
  try {
    const child = spawn(argv[0]!, argv.slice(1), {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...env, MINIO_ROOT_USER: creds.accessKeyId, MINIO_ROOT_PASSWORD: creds.secretAccessKey },
    });
    child.on('error', () => {});
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(fd);
  }
  if (!pid) throw new FaultlineError('local-start', `${n.name}: could not start ${argv[0]}`, { hint: `see ${n.log}` });
  const recorded = { ...env, ...Object.fromEntries(SECRET_ENV.map((k) => [k, `<from ${state.credentialsFile}>`])) };
  await updateNode(n.name, { pid, command: argv, env: recorded, startedAt: new Date().toISOString() });
  // A bad binary or argument ends the process at once; report that here, not at the health wait.
  await sleep(300, signal);
  if (!(await isAlive(pid))) {
    throw new FaultlineError('local-start', `${n.name}: MinIO exited right after start`, { hint: `see ${n.log}` });
  }
  return pid;
}
