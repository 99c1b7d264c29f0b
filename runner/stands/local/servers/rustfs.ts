/** RustFS 4 nodes x 4 drives, erasure-coded over all 16 drives (MinIO's layout, RustFS's code). */
import { join } from 'node:path';
import { describeAnswer, httpStatus } from '../health.js';
import { endpointOf, type NodeLayout } from '../layout.js';
import { binaryOf, type StandState } from '../state.js';
import type { StorageServer } from './server.js';

function volumes(state: StandState): string[] {
  return Object.values(state.nodes).flatMap(({ layout: n }) => n.drives.map((d) => `${endpointOf(n)}${d}`));
}

const nodesOf = (state: StandState): NodeLayout[] => Object.values(state.nodes).map((r) => r.layout);

export const rustfs: StorageServer = {
  name: 'rustfs',
  title: 'RustFS',
  summary: 'RustFS 4 nodes x 4 drives, erasure-coded',
  tool: 'rustfs',
  loopback: false,
  systemFolder: '.rustfs.sys',
  adminProbes: [],
  healthPath: '/health/ready',
  livePath: '/health',
  command: (state, n, creds) => ({
    argv: [binaryOf(state), 'server', '--address', `${n.address}:${n.port}`, ...volumes(state)],
    env: {
      HOME: n.dir,
      RUSTFS_CONSOLE_ENABLE: 'false',
      // no calls home: servers here listen only inside their namespaces
      RUSTFS_CHECK_UPDATE: 'false',
      RUSTFS_REGION: 'us-east-1',
      RUSTFS_OBS_LOGGER_LEVEL: 'warn',
      // its own log files stay in the node's folder
      RUSTFS_OBS_LOG_DIRECTORY: join(n.dir, 'rustfs-logs'),
    },
    secretEnv: { RUSTFS_ACCESS_KEY: creds.accessKeyId, RUSTFS_SECRET_KEY: creds.secretAccessKey },
  }),
  isService: (argv, n) => argv[0]!.endsWith('/rustfs') && argv[1] === 'server' && argv.includes(`${n.address}:${n.port}`),
  async readiness(state, signal) {
    for (const n of nodesOf(state)) {
      const a = await httpStatus(`http://${n.address}:${n.port}${this.healthPath}`, signal);
      if (a.status !== 200) return { ready: false, detail: `${n.name}: ${describeAnswer(a)}` };
    }
    return { ready: true, detail: 'every node answers ready' };
  },
};
