/** MinIO 4 nodes x 4 drives in one erasure set: the local stand's default server. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeAnswer, healthPath, httpStatus, livePath, metricsPath } from '../health.js';
import { endpointOf, type NodeLayout } from '../layout.js';
import { binaryOf, type StandState } from '../state.js';
import type { StorageServer } from './server.js';

/** One erasure set over all 16 drives; listed one by one since every node has its own paths. */
function serverEndpoints(state: StandState): string[] {
  return Object.values(state.nodes).flatMap(({ layout: n }) => n.drives.map((d) => `${endpointOf(n)}${d}`));
}

const fastFailover = { MINIO_CONN_USER_TIMEOUT: '3s', MINIO_DRIVE_MAX_TIMEOUT: '5s' };

function serverEnv(state: StandState, n: NodeLayout): Record<string, string> {
  const env: Record<string, string> = {
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

export const minio: StorageServer = {
  name: 'minio',
  title: 'MinIO',
  summary: 'MinIO 4 nodes x 4 drives, erasure-coded',
  tool: 'minio',
  loopback: true,
  systemFolder: '.minio.sys',
  adminProbes: ['minio.nodes'],
  healthPath,
  livePath,
  metricsPath,
  prepare: async (_state, n) => void (await mkdir(join(n.dir, 'certs'), { recursive: true })),
  command: (state, n, creds) => ({
    argv: [
      binaryOf(state),
      'server',
      '--address',
      `${n.address}:${n.port}`,
      '--console-address',
      `${n.address}:${n.consolePort}`,
      '--certs-dir',
      join(n.dir, 'certs'),
      ...serverEndpoints(state),
    ],
    env: serverEnv(state, n),
    secretEnv: { MINIO_ROOT_USER: creds.accessKeyId, MINIO_ROOT_PASSWORD: creds.secretAccessKey },
  }),
  isService: (argv, n) => argv[0]!.endsWith('/minio') && argv[1] === 'server' && argv.includes(`${n.address}:${n.port}`),
  async readiness(state, signal) {
    const a = await httpStatus(`${state.endpoint}${this.healthPath}`, signal);
    return { ready: a.status === 200, detail: describeAnswer(a) };
  },
};
