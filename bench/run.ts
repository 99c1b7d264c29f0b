/**
 * Benchmarks (a script, not a test): prints figures measured side by side in one run.
 *  1. CLI speed: `node -e 0`, `--help`, `validate` of 1,000 files through the CLI and in process (bench/cli-speed.ts)
 *  2. per stand: up and down times (named local stands only: `local` is shared and left alone)
 *  3. per stand: multipart upload throughput through faultline's s3.upload vs a reference
 *     client on the same stand, same sizes, after one uncounted warm-up round, rounds
 *     interleaved (who goes first alternates): `mc`, MinIO's own client, on
 *     MinIO; SeaweedFS and RustFS ship no S3 client of their own, so `mc` is the reference there too
 * Usage: npm run bench [-- --stand local-minio --stand local-seaweedfs --stand local-rustfs
 *                          --size 512MiB --part 16MiB --rounds 3 --skip-stand]
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
import type { StandKind } from '../runner/core/stand-kind.js';
import { embeddedNames, standKindOf } from '../runner/stands/resolve.js';
import { cliSpeed } from './cli-speed.js';

const catalog = defaultCatalog();
const { workloads } = catalog;

function kindOf(name: string): StandKind {
  const kind = standKindOf(name, catalog);
  if (!kind) throw new Error(`--stand ${name}: no embedded stand of that name (${embeddedNames(catalog)})`);
  return kind;
}

const { values: args } = parseArgs({
  options: {
    stand: { type: 'string', multiple: true, default: ['local-minio'] },
    size: { type: 'string', default: '512MiB' },
    part: { type: 'string', default: '16MiB' },
    rounds: { type: 'string', default: '3' },
    'skip-stand': { type: 'boolean', default: false },
  },
});
const GOAL_RATIO = 0.97;
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

/** `mc`'s alias `fl` for the stand; credentials travel in the child's environment only. */
function mcEnv(stand: Stand): Record<string, string> {
  const u = new URL(stand.s3!.endpoint);
  const c = stand.s3!.credentials!;
  return { MC_HOST_fl: `${u.protocol}//${encodeURIComponent(c.accessKeyId)}:${encodeURIComponent(c.secretAccessKey)}@${u.host}`, MC_CONFIG_DIR: join(tmpdir(), 'fl-bench-mc') };
}

async function mcUpload(mc: string, stand: Stand, file: string, bucket: string): Promise<number> {
  const env = mcEnv(stand);
  await execa(mc, ['mb', '--ignore-existing', `fl/${bucket}`], { env, timeout: 60_000 });
  const t0 = performance.now();
  await execa(mc, ['cp', '--quiet', file, `fl/${bucket}/mc-object`], { env, timeout: 600_000 });
  return performance.now() - t0;
}

/** Not timed: every upload goes into a bucket of its own, removed afterwards (SeaweedFS frees a bucket's volumes only with the bucket). */
async function dropBucket(mc: string, stand: Stand, bucket: string): Promise<void> {
  await execa(mc, ['rb', '--force', `fl/${bucket}`], { env: mcEnv(stand), timeout: 120_000 });
}

async function writeRandomFile(file: string, size: number): Promise<void> {
  const fh = await open(file, 'w', 0o600);
  try {
    for (let left = size; left > 0; left -= 1 << 20) await fh.write(randomBytes(Math.min(left, 1 << 20)));
  } finally {
    await fh.close();
  }
}

async function uploadBench(name: string): Promise<void> {
  const stand = await kindOf(name).open(name, AbortSignal.timeout(30_000));
  const reference = stand.storage?.server === 'minio' ? "mc (MinIO's own client)" : `mc (${stand.storage?.server ?? 'this server'} ships no S3 client)`;
  const size = mustSize(args.size!);
  const part = mustSize(args.part!);
  const rounds = Number(args.rounds);
  const mc = await ensureTool('mc', AbortSignal.timeout(1_800_000), log);
  // mc reads a file from tmpfs, so its source costs it nothing
  const file = join('/dev/shm', `fl-bench-${process.pid}`);
  await writeRandomFile(file, size);
  const fl: number[] = [];
  const theirs: number[] = [];
  let n = 0;
  const timedThenDropped = async (upload: (bucket: string) => Promise<number>, who: string) => {
    const bucket = `bench-${who}-${process.pid}-${n++}`;
    try {
      return await upload(bucket);
    } finally {
      await dropBucket(mc, stand, bucket);
    }
  };
  const ours = () => timedThenDropped((b) => faultlineUpload(stand, b, size, part), 'faultline');
  const mcs = () => timedThenDropped((b) => mcUpload(mc, stand, file, b), 'mc');
  try {
    // a warm-up round, not counted: the first upload into a fresh server also pays for its cold caches and volumes
    log(`  warm-up (not counted): faultline ${mbps(size, await ours()).toFixed(1)} MB/s, mc ${mbps(size, await mcs()).toFixed(1)} MB/s`);
    for (let i = 0; i < rounds; i++) {
      // alternate who goes first, so neither always meets the server busy with the other's object
      if (i % 2) {
        theirs.push(await mcs());
        fl.push(await ours());
      } else {
        fl.push(await ours());
        theirs.push(await mcs());
      }
      log(`  round ${i + 1}: faultline ${mbps(size, fl.at(-1)!).toFixed(1)} MB/s, mc ${mbps(size, theirs.at(-1)!).toFixed(1)} MB/s`);
    }
  } finally {
    await rm(file, { force: true });
    await stand.close();
  }
  const a = mbps(size, median(fl));
  const b = mbps(size, median(theirs));
  log(`${name} upload ${formatSize(size)} (parts ${formatSize(part)}), median of ${rounds}: faultline ${a.toFixed(1)} MB/s, ${reference} ${b.toFixed(1)} MB/s, ratio ${(a / b).toFixed(2)} (goal >= ${GOAL_RATIO})`);
}

/** Down (when up) and up of a named local stand, its server already built; leaves it up. */
async function standBench(name: string): Promise<void> {
  const local = kindOf(name);
  if (name === 'local') {
    log('local stand: up/down not timed (the default stand is shared); time a named one, e.g. --stand local-minio');
    return;
  }
  const io = { signal: AbortSignal.timeout(3_600_000), log: () => {} };
  // a first up may build the server: that is the build's time, not the stand's
  await local.up(name, {}, io);
  const t0 = performance.now();
  await local.down(name, io);
  const down = performance.now() - t0;
  const t1 = performance.now();
  await local.up(name, {}, io);
  const up = performance.now() - t1;
  const server = (await local.open(name, AbortSignal.timeout(30_000))).storage?.server;
  log(`${name} stand (${server}): down ${(down / 1000).toFixed(1)} s, up (binary cached) ${(up / 1000).toFixed(1)} s`);
}

log(`faultline benchmarks on ${process.version}`);
await cliSpeed(Number(args.rounds), 1000, log);
for (const name of args.stand!) {
  if (!args['skip-stand']) await standBench(name);
  await uploadBench(name);
}

