/**
 * Benchmarks (a script, not a test): prints figures measured side by side in one run.
 *  1. multipart upload throughput through faultline's s3.upload vs MinIO's own `mc`, same stand, same sizes
 *  2. CLI speed: `node -e 0`, `--help`, `validate` of 1,000 files through the CLI and in process (bench/cli-speed.ts)
 *  3. local stand down and up times
 * Usage: npm run bench [-- --size 512MiB --rounds 3 --skip-stand]
 */
import { randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import type { Context, Stand } from '../runner/core/contracts.js';
import { formatSize, mustSize } from '../runner/core/units.js';
import { ensureTool } from '../runner/stands/toolchain.js';
import { defaultCatalog } from '../runner/catalog.js';
import { cliSpeed } from './cli-speed.js';

const { workloads } = defaultCatalog();

const { values: args } = parseArgs({
  options: { size: { type: 'string', default: '512MiB' }, part: { type: 'string', default: '16MiB' }, rounds: { type: 'string', default: '3' }, 'skip-stand': { type: 'boolean', default: false } },
});
const log = (line: string) => process.stdout.write(line + '\n');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

async function faultlineUpload(stand: Stand, bucket: string, size: number, part: number): Promise<number> {
  const ctx: Context = { signal: AbortSignal.timeout(600_000), stand, emit: () => {}, workloads: { get: () => undefined }, seed: 1, runId: 'bench' };
  const h = workloads.get('s3.upload')!.start('bench', { bucket, size, partSize: part }, ctx);
  const t0 = performance.now();
  const outcome = await h.settled;
  if (outcome.state !== 'completed') throw new Error(`faultline upload failed: ${outcome.error}`);
  return performance.now() - t0;
}

async function mcUpload(mc: string, stand: Stand, file: string, bucket: string): Promise<number> {
  const u = new URL(stand.s3!.endpoint);
  const c = stand.s3!.credentials!;
  // credentials travel in the child's environment only
  const env = { MC_HOST_fl: `${u.protocol}//${encodeURIComponent(c.accessKeyId)}:${encodeURIComponent(c.secretAccessKey)}@${u.host}`, MC_CONFIG_DIR: join(tmpdir(), 'fl-bench-mc') };
  await execa(mc, ['mb', '--ignore-existing', `fl/${bucket}`], { env, timeout: 60_000 });
  const t0 = performance.now();
  await execa(mc, ['cp', '--quiet', file, `fl/${bucket}/mc-object`], { env, timeout: 600_000 });
  return performance.now() - t0;
}

async function writeRandomFile(file: string, size: number): Promise<void> {
  const fh = await open(file, 'w', 0o600);
  try {
    for (let left = size; left > 0; left -= 1 << 20) await fh.write(randomBytes(Math.min(left, 1 << 20)));
  } finally {
    await fh.close();
  }
}

async function uploadBench(): Promise<void> {
  const local = defaultCatalog().stands.get('local')!;
  const stand = await local.open('local', AbortSignal.timeout(30_000));
  const size = mustSize(args.size!);
  const part = mustSize(args.part!);
  const rounds = Number(args.rounds);
  const mc = await ensureTool('mc', AbortSignal.timeout(1_800_000), log);
  // mc reads a file from tmpfs, so its source costs it nothing
  const file = join('/dev/shm', `fl-bench-${process.pid}`);
  await writeRandomFile(file, size);
  const fl: number[] = [];
  const theirs: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      fl.push(await faultlineUpload(stand, 'bench-faultline', size, part));
      theirs.push(await mcUpload(mc, stand, file, 'bench-mc'));
      log(`  round ${i + 1}: faultline ${mbps(size, fl.at(-1)!).toFixed(1)} MB/s, mc ${mbps(size, theirs.at(-1)!).toFixed(1)} MB/s`);
    }
  } finally {
    await rm(file, { force: true });
    await stand.close();
  }
  const a = mbps(size, median(fl));
  const b = mbps(size, median(theirs));
  log(`upload ${formatSize(size)} (parts ${formatSize(part)}), median of ${rounds}: faultline ${a.toFixed(1)} MB/s, mc ${b.toFixed(1)} MB/s, ratio ${(a / b).toFixed(2)} (goal >= 0.90)`);
}

async function standBench(): Promise<void> {
  const local = defaultCatalog().stands.get('local')!;
  const io = { signal: AbortSignal.timeout(900_000), log: () => {} };
  const t0 = performance.now();
  await local.down('local', io);
  const down = performance.now() - t0;
  const t1 = performance.now();
  await local.up('local', {}, io);
  const up = performance.now() - t1;
  log(`local stand: down ${(down / 1000).toFixed(1)} s, up (MinIO cached) ${(up / 1000).toFixed(1)} s`);
}

log(`faultline benchmarks on ${process.version}`);
await cliSpeed(Number(args.rounds), 1000, log);
if (!args['skip-stand']) await standBench();
await uploadBench();

