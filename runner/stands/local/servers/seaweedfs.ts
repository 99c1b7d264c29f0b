/**
 * SeaweedFS as a 4-node cluster: every node runs one `weed server` with a volume server over
 * its 4 drives, a filer (its own embedded store, kept in step with the other filers) and an
 * S3 gateway on port 9000. Masters (Raft) run on nodes 1-3 only, so one node's power cut
 * leaves a quorum of 2. Replication 002 keeps 3 copies on 3 different nodes: with one node
 * cut, every object still has 2 copies and new volumes can still be placed on the 3 left.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { deadline } from '../../../core/abort.js';
import { messageOf } from '../../../core/errors.js';
import { writeSecretFile } from '../../../core/files.js';
import { describeAnswer, httpStatus } from '../health.js';
import type { NodeLayout } from '../layout.js';
import { binaryOf, type StandState } from '../state.js';
import type { StorageServer } from './server.js';

const MASTER_PORT = 9333;
const MASTER_NODES = 3;
const REPLICATION = '002';
/** small volumes, so 1 GiB tmpfs drives hold several and new ones can always be grown */
const VOLUME_SIZE_MB = 64;
/** volumes a drive may hold: three quarters of it (12 on a 1 GiB drive), the rest left for the filer's and the volumes' indexes */
const volumesPerDrive = (state: StandState): number => Math.max(1, Math.floor(((state.driveSize ?? 1024 ** 3) * 0.75) / (VOLUME_SIZE_MB * 1024 ** 2)));

const nodesOf = (state: StandState): NodeLayout[] => Object.values(state.nodes).map((r) => r.layout);
const isMaster = (state: StandState, n: NodeLayout): boolean => Object.keys(state.nodes).indexOf(n.name) < MASTER_NODES;
const masterPeers = (state: StandState): string => nodesOf(state).slice(0, MASTER_NODES).map((m) => `${m.address}:${MASTER_PORT}`).join(',');
const s3ConfigPath = (n: NodeLayout): string => join(n.dir, 's3-identities.json');
const tmpDir = (n: NodeLayout): string => join(n.dir, 'tmp');

/**
 * weed puts its same-host gRPC sockets at fixed /tmp paths (seaweedfs-master-grpc-19333.sock
 * ...), which every node on this machine would share: each node gets a private /tmp (its
 * own mount namespace with the node's tmp folder bound there). unshare and sh exec in
 * place, so the pid is weed's own.
 */
const privateTmp = (n: NodeLayout): string[] => ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', 'mount --bind "$0" /tmp && exec "$@"', tmpDir(n)];

interface DirStatus {
  Topology?: { DataCenters?: { Racks?: { DataNodes?: { Url?: string }[] }[] }[] };
}

/** Volume servers the master leader knows of (asked through node 1's master, which forwards). */
async function volumeServers(state: StandState, signal: AbortSignal): Promise<number | string> {
  const url = `http://${nodesOf(state)[0]!.address}:${MASTER_PORT}/dir/status`;
  try {
    const res = await fetch(url, { signal: deadline(signal, 3000) });
    if (!res.ok) return `master answered HTTP ${res.status}`;
    const doc = (await res.json()) as DirStatus;
    return (doc.Topology?.DataCenters ?? []).flatMap((dc) => dc.Racks ?? []).flatMap((r) => r.DataNodes ?? []).length;
  } catch (err) {
    signal.throwIfAborted();
    return `master did not answer (${messageOf(err)})`;
  }
}

export const seaweedfs: StorageServer = {
  name: 'seaweedfs',
  title: 'SeaweedFS',
  summary: `SeaweedFS 4 nodes (masters on 3, volume server + filer + S3 gateway on each), replication ${REPLICATION}`,
  tool: 'seaweedfs',
  loopback: false,
  adminProbes: [],
  healthPath: '/healthz',
  livePath: '/healthz',
  async prepare(_state, n, creds) {
    await mkdir(join(n.dir, 'meta'), { recursive: true });
    await mkdir(tmpDir(n), { recursive: true });
    const identities = {
      identities: [{ name: 'faultline', credentials: [{ accessKey: creds.accessKeyId, secretKey: creds.secretAccessKey }], actions: ['Admin', 'Read', 'List', 'Tagging', 'Write'] }],
    };
    await writeSecretFile(s3ConfigPath(n), JSON.stringify(identities) + '\n');
  },
  command: (state, n) => ({
    argv: [
      ...privateTmp(n),
      binaryOf(state),
      'server',
      `-ip=${n.address}`,
      `-ip.bind=${n.address}`,
      `-master=${isMaster(state, n)}`,
      `-master.peers=${masterPeers(state)}`,
      `-master.port=${MASTER_PORT}`,
      `-master.dir=${join(n.dir, 'meta')}`,
      `-master.defaultReplication=${REPLICATION}`,
      `-master.volumeSizeLimitMB=${VOLUME_SIZE_MB}`,
      '-master.telemetry=false',
      `-dir=${n.drives.join(',')}`,
      `-volume.max=${n.drives.map(() => volumesPerDrive(state)).join(',')}`,
      '-filer',
      '-s3',
      `-s3.port=${n.port}`,
      `-s3.config=${s3ConfigPath(n)}`,
      '-s3.port.iceberg=0',
      '-s3.port.lance=0',
    ],
    env: { HOME: n.dir },
    secretEnv: {},
  }),
  isService: (argv, n) => argv[0]!.endsWith('/seaweedfs') && argv[1] === 'server' && argv.includes(`-ip=${n.address}`),
  async readiness(state, signal) {
    for (const n of nodesOf(state)) {
      const a = await httpStatus(`http://${n.address}:${n.port}/healthz`, signal);
      if (a.status !== 200) return { ready: false, detail: `${n.name} S3 gateway: ${describeAnswer(a)}` };
    }
    const volumes = await volumeServers(state, signal);
    if (volumes !== nodesOf(state).length) {
      return { ready: false, detail: typeof volumes === 'string' ? volumes : `master knows ${volumes}/${nodesOf(state).length} volume servers` };
    }
    return { ready: true, detail: `4 S3 gateways answer, master knows ${volumes} volume servers` };
  },
};
