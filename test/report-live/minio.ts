/**
 * A single-node MinIO of the test's own, on a free loopback port, from the pinned binary
 * (built by `ensureTool('minio')`, normally cached). It dies with the test (execa kills it
 * on exit, `stop()` in after()). Never the shared `local` stand.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { pollUntil } from '../../runner/core/abort.js';
import type { Capability, Stand } from '../../runner/core/contracts.js';
import { ensureTool } from '../../runner/stands/toolchain.js';

export interface OwnMinio {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  dir: string;
  pid: number;
  /** a stand file pointing at this MinIO (s3, health), with its credentials file beside it */
  standFile: string;
  /**
   * the same, plus one node `m1` whose pause/resume are SIGSTOP/SIGCONT of this MinIO
   * (ssh driver, `local:` templates): node.pause is a real fault on a real server
   */
  nodeStandFile: string;
  stand: Stand;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startMinio(name = 'own-minio'): Promise<OwnMinio> {
  const bin = await ensureTool('minio', AbortSignal.timeout(20 * 60_000));
  const dir = await mkdtemp(join(tmpdir(), 'faultline-minio-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: `fl${randomBytes(6).toString('hex')}`, secretAccessKey: randomBytes(18).toString('hex') };
  const child: ResultPromise = execa(bin, ['server', join(dir, 'data'), '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${await freePort()}`, '--quiet'], {
    env: {
      HOME: dir,
      MINIO_ROOT_USER: credentials.accessKeyId,
      MINIO_ROOT_PASSWORD: credentials.secretAccessKey,
      MINIO_UPDATE: 'off',
      MINIO_ROOTDRIVE_THRESHOLD_SIZE: '1B',
      _MINIO_SERVER_LOCAL: `127.0.0.1:${port}`,
    },
    extendEnv: true,
    reject: false,
    stdio: ['ignore', 'ignore', 'pipe'],
    cleanup: true,
  });
  child.catch(() => {});
  const stop = async () => {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await child;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await pollUntil('MinIO health on ' + endpoint, 60_000, AbortSignal.timeout(61_000), async (signal) => {
      if (child.exitCode !== null) throw new Error(`minio exited ${child.exitCode}`);
      const r = await fetch(`${endpoint}/minio/health/live`, { signal }).catch(() => undefined);
      return r?.ok ? true : undefined;
    });
  } catch (err) {
    await stop();
    throw err;
  }
  await writeFile(join(dir, 'credentials.json'), JSON.stringify(credentials), { mode: 0o600 });
  // the same stand twice: S3 only, and with an ssh node driver whose commands act on this MinIO's pid
  const standLines = [
    'apiVersion: faultline/v1',
    'kind: Stand',
    `metadata: { name: ${name} }`,
    'spec:',
    `  s3: { endpoint: "${endpoint}", credentialsFile: credentials.json }`,
    `  health: "${endpoint}/minio/health/live"`,
  ];
  const standFile = join(dir, 'stand.yaml');
  await writeFile(standFile, [...standLines, ''].join('\n'));
  const nodeStandFile = join(dir, 'stand-nodes.yaml');
  await writeFile(
    nodeStandFile,
    [
      ...standLines,
      '  nodes:',
      '    driver: ssh',
      `    hosts: { m1: { address: 127.0.0.1, pid: ${child.pid} } }`,
      '    commands:',
      '      pause: "local: kill -STOP {{pid}}"',
      '      resume: "local: kill -CONT {{pid}}"',
      '      serviceProcesses: "local: ps -o pid=,stat= -p {{pid}}"',
      '',
    ].join('\n'),
  );
  const stand: Stand = {
    name,
    driver: 'file',
    ref: standFile,
    protected: false,
    capabilities: new Set<Capability>(['s3']),
    unsupported: new Map(),
    s3: { endpoint, region: 'us-east-1', credentials },
    healthUrl: `${endpoint}/minio/health/live`,
    close: async () => {},
  };
  return { endpoint, credentials, dir, pid: child.pid!, standFile, nodeStandFile, stand, stop };
}
