/**
 * s3.indexDivergence: a bucket that the drives hold but the S3 API denies (NoSuchBucket),
 * the failure class of incident 000, made on a running MinIO.
 *
 * MinIO keeps no bucket index in memory: every ListBuckets/HeadBucket stats the drives
 * and takes a quorum (half the drives of a node, half the nodes, ties count as present).
 * So the divergence is a bucket that survives on a minority of nodes:
 *
 * - `hide` (default, any existing bucket, exact undo): the bucket's directory is moved
 *   aside on every node but `keep` (default: the last node), as a cleanup job or a bad
 *   restore would leave the drives. The bucket gets an anchor object first when it is
 *   empty: MinIO reaps an *empty* minority remnant within seconds (dangling-bucket heal),
 *   a non-empty one never. Undo moves the directories back; the API sees it at once.
 * - `deleteDuringOutage` (its own bucket only): create the bucket with one object, stop
 *   the `keep` node, force-delete the bucket through the API, start the node again. The
 *   node comes back with the bucket's directory and `.minio.sys/buckets/<b>` and MinIO
 *   never reconciles them (made again, up to 3 times, while the API does not deny the
 *   bucket steadily). Undo removes that remnant (finishes the delete).
 *
 * Neither is cleared by restarting every node: the state is on the drives, not in memory.
 */
import { bucketSchema } from '../spec/fragments.js';
import { access, readdir, rename, rm } from 'node:fs/promises';
import type { ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand } from '../s3/sdk.js';
import type { Context, FaultDef, JsonValue, Stand } from '../core/contracts.js';
import { DeadlineError, deadline, pollUntil } from '../core/abort.js';
import { FaultlineError, ExitCode } from '../core/errors.js';
import { bucketDirPath, standDrives, sysDirPath, systemFolderOf, type SysDir } from '../s3/drives.js';
import { isNotFound, s3ErrorText, s3Failure, send, withS3 } from '../s3/client.js';
import { checkNodes, nodeDriver } from './node-common.js';

export interface DivergenceSpec {
  bucket: string;
  method?: 'hide' | 'deleteDuringOutage';
  /** nodes that keep the bucket: a minority (default: the last node) */
  keep?: string[];
  sys?: SysDir;
}

type Undo = {
  method: 'hide' | 'deleteDuringOutage';
  bucket: string;
  keep: string[];
  sys: SysDir;
  /** hide: directories moved aside */
  moves: { from: string; to: string }[];
  /** whether an anchor object was (to be) written */
  anchor: boolean;
  /** deleteDuringOutage: the remnant's drives */
  drives: string[];
};

const anchorKey = '.faultline-divergence-anchor';
const s3Ms = 30_000;

const exists = (p: string) => access(p).then(() => true, () => false);
const hiddenName = (bucket: string) => `.faultline-hidden-${bucket}`;

async function bucketEmpty(stand: Stand, bucket: string, signal: AbortSignal): Promise<boolean> {
  return withS3(stand, {}, async (c) => {
    const out = await send<ListObjectsV2CommandOutput>(c, new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }), signal);
    return !out.KeyCount;
  });
}

async function apiHas(stand: Stand, bucket: string, signal: AbortSignal): Promise<boolean> {
  return withS3(stand, {}, async (c) => {
    try {
      await send(c, new HeadBucketCommand({ Bucket: bucket }), signal);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  });
}

/**
 * Makes an S3 call again while the server fails it (a restarted MinIO answers 503 until it
 * has joined its peers; seen right after a rollout restart), up to s3Ms; the error then
 * names the last failure.
 */
async function answered<T>(what: string, signal: AbortSignal, call: (s: AbortSignal) => Promise<T>): Promise<T> {
  let last: unknown;
  try {
    return await pollUntil(what, s3Ms, signal, (s) => call(s).catch((err: unknown) => {
      last = err;
      return undefined;
    }), 500);
  } catch (err) {
    if (err instanceof DeadlineError && last !== undefined) throw s3Failure(`s3.indexDivergence: ${what}: no answer within ${s3Ms / 1000} s`, last);
    throw err;
  }
}

/** DeleteBucket with MinIO's force flag: the objects go too. */
async function forceDelete(stand: Stand, bucket: string, signal: AbortSignal): Promise<void> {
  await withS3(stand, {}, async (c) => {
    const cmd = new DeleteBucketCommand({ Bucket: bucket });
    cmd.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-minio-force-delete'] = 'true';
        return next(args);
      },
      { step: 'build', name: 'minioForceDelete' },
    );
    await send(c, cmd, signal);
  });
}

/** Bound for the kept drives to hold the bucket's data; a busy node may take a while to rejoin. */
const HOLD_MS = 60_000;
/** How often the anchor is written again while a kept drive lacks it. */
const REWRITE_MS = 5_000;

const putAnchor = (stand: Stand, bucket: string, signal: AbortSignal) =>
  answered(`PutObject ${bucket}/${anchorKey}`, signal, (s) =>
    withS3(stand, {}, (c) => send(c, new PutObjectCommand({ Bucket: bucket, Key: anchorKey, Body: 'anchor' }), s)));

/**
 * Every kept drive must hold something of the bucket, or MinIO reaps the remnant as an
 * empty dangling bucket. A write is acknowledged at quorum, so one made while a kept node
 * was slow or rejoining can miss its drives until MinIO heals it: with `rewrite`, the
 * anchor is written again every few seconds until it lands there too.
 */
async function remnantHoldsData(stand: Stand, u: Undo, signal: AbortSignal, rewrite: boolean, nodes = u.keep): Promise<void> {
  const drives = standDrives(stand, 's3.indexDivergence');
  const kept = nodes.flatMap((n) => drives[n] ?? []);
  let wrote = Date.now();
  await pollUntil(`${u.bucket} to hold data on the drives of ${nodes.join(', ')}`, HOLD_MS, signal, async (s) => {
    const held = await Promise.all(kept.map(async (d) => (await readdir(bucketDirPath(d, u.bucket)).catch(() => [])).length > 0));
    if (held.every(Boolean)) return true;
    if (rewrite && Date.now() - wrote >= REWRITE_MS) {
      await putAnchor(stand, u.bucket, s);
      wrote = Date.now();
    }
    return undefined;
  }, 250);
}

/** Moves the bucket's directories aside; an empty one the server made again meanwhile goes. Returns how many moved or went. */
async function hideDirs(u: Undo, signal: AbortSignal): Promise<number> {
  let n = 0;
  for (const m of u.moves) {
    signal.throwIfAborted();
    if (!(await exists(m.from))) continue;
    if (!(await exists(m.to))) await rename(m.from, m.to);
    else if (!(await readdir(m.from)).length) await rm(m.from, { recursive: true });
    else continue; // the server put data there: the revert names the conflict
    n++;
  }
  return n;
}

/** How long the API must deny the bucket, with nothing made again, before the divergence counts as made. */
const STEADY_MS = 5_000;

/**
 * Waits until the API denies the bucket for STEADY_MS in a row. Right after a restart the
 * API denied a hidden bucket and then found it again for 20 s (once, on a loaded machine
 * after a rollout restart): MinIO's heal of a bucket it listed before. `takeAway` runs
 * before every look and returns how many directories the server made again and it took
 * away; the sum is returned.
 */
async function denySteadily(stand: Stand, bucket: string, ms: number, signal: AbortSignal, takeAway?: (s: AbortSignal) => Promise<number>): Promise<number> {
  let remade = 0;
  let deniedSince: number | undefined;
  await pollUntil(`HeadBucket ${bucket} to answer NotFound for ${STEADY_MS / 1000} s in a row`, ms, signal, async (s) => {
    const again = (await takeAway?.(s)) ?? 0;
    remade += again;
    const has = await apiHas(stand, bucket, s).catch(() => undefined);
    if (again || has !== false) {
      deniedSince = undefined;
      return undefined;
    }
    deniedSince ??= Date.now();
    return Date.now() - deniedSince >= STEADY_MS ? true : undefined;
  }, 250);
  return remade;
}

/** How many of `drives` hold the bucket's directory. */
const holdingCount = async (drives: readonly string[], bucket: string) =>
  (await Promise.all(drives.map((d) => exists(bucketDirPath(d, bucket))))).filter(Boolean).length;

/** Which share of each node's drives hold the bucket's directory: "node1 0/4, ..., node4 4/4". */
async function whereOnDrives(stand: Stand, bucket: string): Promise<string> {
  const drives = standDrives(stand, 's3.indexDivergence');
  const held = await Promise.all(Object.entries(drives).map(async ([n, ds]) => `${n} ${await holdingCount(ds, bucket)}/${ds.length}`));
  return held.join(', ');
}

/** Outage-deletes made before the fault gives up, and how long the API may take to deny the bucket after each. */
const OUTAGE_TRIES = 3;
const DENY_MS = 30_000;
/** Bound of the whole inject: the data hold, then every outage-delete with its wait and 10 s for the node's stop and start. */
const INJECT_MS = HOLD_MS + OUTAGE_TRIES * (s3Ms + DENY_MS + 10_000);

/**
 * Stops the kept nodes, force-deletes the bucket, starts them again, until the API denies
 * the bucket steadily. Read in MinIO's code: its bucket heal recreates a bucket on every
 * peer unless their answers reduce to NotFound, so a kept node that heals while peers look
 * offline to it can put the bucket back on them; and a peer too slow for the delete keeps
 * its copy. Then the delete is made again. Returns what each failed try left on the drives.
 */
async function deleteDuringOutage(ctx: Context, u: Undo, signal: AbortSignal): Promise<string[]> {
  const nodes = nodeDriver(ctx, 's3.indexDivergence', ['stop', 'start']);
  const missed: string[] = [];
  for (let tri = 1; ; tri++) {
    for (const n of u.keep) await nodes.stop!(n, signal);
    // the first attempts may land while peers still count the stopped node in
    await pollUntil(`force-delete ${u.bucket} with ${u.keep.join(', ')} down`, s3Ms, signal, async (s) =>
      forceDelete(ctx.stand, u.bucket, s).then(() => true, (err) => (isNotFound(err) ? true : undefined)), 500);
    for (const n of u.keep) await nodes.start!(n, signal);
    try {
      await denySteadily(ctx.stand, u.bucket, DENY_MS, signal);
      return missed;
    } catch (err) {
      if (!(err instanceof DeadlineError) || signal.aborted) throw err;
      missed.push(`try ${tri}: ${err.message}; its directory on ${await whereOnDrives(ctx.stand, u.bucket)}`);
    }
    if (tri === OUTAGE_TRIES) {
      throw new FaultlineError('divergence-delete', `s3.indexDivergence: the API kept ${u.bucket} after ${tri} outage-deletes (${missed.join('; ')})`, {
        hint: 'the drive counts of each try show which nodes still held the bucket; their server logs say why',
      });
    }
  }
}

function minorityCheck(nodes: string[], keep: string[]): void {
  if (!keep.length || keep.length * 2 >= nodes.length) {
    throw new FaultlineError('divergence-keep', `s3.indexDivergence: keep must be a minority of the ${nodes.length} nodes, got ${keep.length}`, {
      exitCode: ExitCode.invalidInput,
      hint: 'with half or more of the nodes MinIO still lists the bucket',
    });
  }
}

const fault: FaultDef<DivergenceSpec, Undo> = {
  kind: 's3.indexDivergence',
  summary: 'bucket on a minority of nodes\' drives but NoSuchBucket in the API (hide, or delete during an outage)',
  requires: ['s3'],
  schema: {
    type: 'object',
    required: ['bucket'],
    additionalProperties: false,
    properties: {
      bucket: bucketSchema,
      method: { enum: ['hide', 'deleteDuringOutage'] },
      keep: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true },
      sys: { enum: ['.minio.sys', '.rustfs.sys'] },
    },
  },
  describe: (s) => `bucket-index divergence for ${s.bucket} (${s.method ?? 'hide'}), kept on ${s.keep?.join(', ') ?? 'the last node'}`,
  // deleteDuringOutage stops the kept nodes; hide moves directories on the drives of every other node
  footprint: (s) => ((s.method ?? 'hide') === 'deleteDuringOutage' ? { nodesDown: s.keep ?? ['*'] } : { nodes: ['*'] }),
  async prepare(s, ctx) {
    const drives = standDrives(ctx.stand, 's3.indexDivergence');
    const nodes = Object.keys(drives);
    const keep = s.keep ?? [nodes[nodes.length - 1]!];
    const unknown = keep.filter((n) => !nodes.includes(n));
    if (unknown.length) throw new FaultlineError('unknown-node', `s3.indexDivergence: no node ${unknown.join(', ')}`, { exitCode: ExitCode.invalidInput });
    minorityCheck(nodes, keep);
    const method = s.method ?? 'hide';
    const sys = systemFolderOf(ctx.stand, s.sys, 's3.indexDivergence');
    const signal = deadline(ctx.signal, 2 * s3Ms, 's3.indexDivergence prepare');
    const has = await answered(`HeadBucket ${s.bucket}`, signal, (x) => apiHas(ctx.stand, s.bucket, x));
    if (method === 'hide') {
      if (!has) throw new FaultlineError('divergence-bucket', `s3.indexDivergence: bucket ${s.bucket} does not exist`, { hint: 'hide needs an existing bucket' });
      const moves = nodes
        .filter((n) => !keep.includes(n))
        .flatMap((n) => drives[n]!.map((d) => ({ from: bucketDirPath(d, s.bucket), to: bucketDirPath(d, hiddenName(s.bucket)) })));
      return { method, bucket: s.bucket, keep, sys, moves, anchor: await answered(`ListObjectsV2 ${s.bucket}`, signal, (x) => bucketEmpty(ctx.stand, s.bucket, x)), drives: [] };
    }
    checkNodes(nodeDriver(ctx, 's3.indexDivergence', ['stop', 'start']), 's3.indexDivergence', keep);
    if (has) {
      throw new FaultlineError('divergence-bucket', `s3.indexDivergence: bucket ${s.bucket} exists; deleteDuringOutage makes and deletes its own bucket`, {
        exitCode: ExitCode.invalidInput,
        hint: 'name a bucket that does not exist, or use method: hide for an existing one',
      });
    }
    return { method, bucket: s.bucket, keep, sys, moves: [], anchor: true, drives: keep.flatMap((n) => drives[n]!) };
  },
  async inject(_s, u, ctx): Promise<Record<string, JsonValue>> {
    const signal = deadline(ctx.signal, INJECT_MS, 's3.indexDivergence inject');
    if (u.method === 'hide') {
      if (u.anchor) await putAnchor(ctx.stand, u.bucket, signal);
      await remnantHoldsData(ctx.stand, u, signal, u.anchor);
      await hideDirs(u, signal);
      const remade = await denySteadily(ctx.stand, u.bucket, HOLD_MS, signal, (x) => hideDirs(u, x));
      return { hiddenOn: u.moves.length, keptOn: u.keep, remadeByServer: remade };
    }
    // a create answered late and made again finds the bucket made: that is done too
    await answered(`CreateBucket ${u.bucket}`, signal, (x) =>
      withS3(ctx.stand, {}, (c) => send(c, new CreateBucketCommand({ Bucket: u.bucket }), x)).then(
        () => true,
        (err: { name?: string }) => {
          if (err.name === 'BucketAlreadyOwnedByYou') return true;
          throw err;
        },
      ));
    await putAnchor(ctx.stand, u.bucket, signal);
    // without data on the kept drives MinIO reaps the remnant: there would be no divergence to
    // catch. And every node must take the write, or one its peers still count out (restarted
    // just before) misses the delete as well
    await remnantHoldsData(ctx.stand, u, signal, true, Object.keys(standDrives(ctx.stand, 's3.indexDivergence')));
    const missed = await deleteDuringOutage(ctx, u, signal);
    await remnantHoldsData(ctx.stand, u, signal, false);
    return { remnantOn: u.keep, drives: u.drives.length, outageDeletes: missed.length + 1, ...(missed.length ? { missed } : {}) };
  },
  // the API denies the bucket while every kept drive still holds its directory
  async confirm(_s, u, _i, ctx) {
    const kept = u.keep.flatMap((n) => standDrives(ctx.stand, 's3.indexDivergence')[n] ?? []);
    const holding = await holdingCount(kept, u.bucket);
    const listed = await apiHas(ctx.stand, u.bucket, ctx.signal);
    return {
      ok: !listed && holding === kept.length && kept.length > 0,
      value: `HeadBucket ${u.bucket}: ${listed ? 'found' : 'NotFound'}; its directory on ${holding}/${kept.length} drives of ${u.keep.join(', ')}`,
    };
  },
  async revert(u, ctx) {
    const signal = deadline(ctx.signal, 120_000);
    if (u.method === 'hide') {
      const conflicts: string[] = [];
      for (const m of u.moves) {
        if (!(await exists(m.to))) continue;
        if (await exists(m.from)) {
          // MinIO made a new directory meanwhile; an empty one can go, anything else needs a person
          if ((await readdir(m.from)).length) {
            conflicts.push(m.from);
            continue;
          }
          await rm(m.from, { recursive: true });
        }
        await rename(m.to, m.from);
      }
      if (conflicts.length) {
        throw new FaultlineError('divergence-revert', `both ${conflicts[0]} and its hidden copy hold data (${conflicts.length} drives)`, {
          hint: `merge ${hiddenName(u.bucket)} back by hand on those drives`,
        });
      }
      if (u.anchor) {
        await withS3(ctx.stand, {}, (c) => send(c, new DeleteObjectCommand({ Bucket: u.bucket, Key: anchorKey }), signal)).catch((err) => {
          if (!isNotFound(err)) throw new FaultlineError('divergence-revert', `could not remove the anchor object: ${s3ErrorText(err)}`, { cause: err });
        });
      }
      return;
    }
    const nodes = ctx.stand.nodes;
    for (const n of u.keep) await nodes?.start?.(n, signal);
    if (await apiHas(ctx.stand, u.bucket, signal).catch(() => false)) await forceDelete(ctx.stand, u.bucket, signal);
    for (const d of u.drives) {
      await rm(bucketDirPath(d, u.bucket), { recursive: true, force: true });
      await rm(sysDirPath(d, u.bucket, u.sys), { recursive: true, force: true });
    }
  },
};

export default fault;
