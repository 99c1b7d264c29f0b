/**
 * s3.scratch: the bounded write proof of incident 000. A unique bucket goes through
 * create, head, list, put, get, delete object, delete bucket, and must then be gone from
 * the API (HeadBucket NotFound, absent from ListBuckets). Strict mode also requires the
 * bucket's markers on every drive of every node to appear after create and vanish after
 * delete. The bucket is always removed, also when a step fails or the run is aborted.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { GetObjectCommandOutput, ListBucketsCommandOutput, ListObjectsV2CommandOutput, S3Client } from '@aws-sdk/client-s3';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand } from '../s3/sdk.js';
import type { Context, Observation, ProbeDef, Stand } from '../core/contracts.js';
import { pollUntil } from '../core/abort.js';
import { FaultlineError, messageOf } from '../core/errors.js';
import { formatDuration, mustDuration } from '../core/units.js';
import { bucketMarkers, describeMarkers, standDrives, summarizeMarkers, systemFolderOf, type SysDir } from '../s3/drives.js';
import { isNotFound, s3ErrorText, send, withS3 } from '../s3/client.js';
import { durationSchema } from '../spec/fragments.js';

export interface ScratchSpec {
  strict?: boolean;
  /** bucket name prefix (default faultline-scratch) */
  prefix?: string;
  sys?: SysDir;
  /** how long disk markers may take to appear or vanish (default 5s) */
  markerWait?: string;
}

const objectKey = 'faultline-scratch-probe';
const cleanupMs = 15_000;

function scratchName(prefix: string): string {
  const suffix = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  return `${prefix.slice(0, 63 - suffix.length - 1)}-${suffix}`.toLowerCase();
}

/** Removes the bucket and whatever is in it, on its own deadline (the run may be aborting). */
async function cleanup(stand: Stand, bucket: string): Promise<string | undefined> {
  const signal = AbortSignal.timeout(cleanupMs);
  return withS3(stand, {}, async (client) => {
    try {
      const page = await send<ListObjectsV2CommandOutput>(client, new ListObjectsV2Command({ Bucket: bucket }), signal);
      for (const o of page.Contents ?? []) await send(client, new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }), signal);
      await send(client, new DeleteBucketCommand({ Bucket: bucket }), signal);
      return undefined;
    } catch (err) {
      return isNotFound(err) ? undefined : s3ErrorText(err);
    }
  });
}

/** Waits until the markers are on every drive (`present`) or on none (`!present`). */
async function awaitMarkers(stand: Stand, bucket: string, present: boolean, ms: number, signal: AbortSignal, sys?: SysDir): Promise<string> {
  const drives = standDrives(stand, 's3.scratch strict mode');
  let last = '';
  try {
    return await pollUntil(`markers ${present ? 'appear' : 'vanish'}`, ms, signal, async (s) => {
      const sum = summarizeMarkers(await bucketMarkers(drives, bucket, s, sys));
      const left = sum.both + sum.bucketDirOnly + sum.sysDirOnly;
      last = present ? `markers on ${describeMarkers(sum)}` : `markers left on ${left}/${sum.drives} drives`;
      const done = present ? sum.both === sum.drives : left === 0;
      return done ? last : undefined;
    }, 100);
  } catch (err) {
    if (signal.aborted) throw err;
    throw new FaultlineError('markers', `${last} after ${formatDuration(ms)}`);
  }
}

async function bodyEquals(out: GetObjectCommandOutput, expected: Buffer): Promise<boolean> {
  const got = Buffer.from((await out.Body?.transformToByteArray()) ?? []);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

async function listedBucket(client: S3Client, bucket: string, signal: AbortSignal): Promise<boolean> {
  const out = await send<ListBucketsCommandOutput>(client, new ListBucketsCommand({}), signal);
  return (out.Buckets ?? []).some((b) => b.Name === bucket);
}

const probe: ProbeDef<ScratchSpec> = {
  kind: 's3.scratch',
  summary: 'unique bucket create/head/list/put/get/delete, gone afterwards; strict: disk markers appear and vanish on every drive',
  requires: ['s3'],
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      strict: { type: 'boolean' },
      prefix: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,40}$' },
      sys: { enum: ['.minio.sys', '.rustfs.sys'] },
      markerWait: durationSchema,
    },
  },
  describe: (s) => `scratch bucket proof${s.strict ? ' with disk markers (strict)' : ''}`,
  async evaluate(s, ctx: Context): Promise<Observation> {
    // strict mode looks at the drives for the server's own metadata folder: fail early without them
    const sys = s.strict ? systemFolderOf(ctx.stand, s.sys, 's3.scratch strict mode') : undefined;
    if (s.strict) standDrives(ctx.stand, 's3.scratch strict mode');
    const markerMs = s.markerWait ? mustDuration(s.markerWait) : 5_000;
    const bucket = scratchName(s.prefix ?? 'faultline-scratch');
    const body = randomBytes(4096);
    const done: string[] = [];
    const notes: string[] = [];
    const t0 = Date.now();
    let created = false;
    let gone = false;
    let late = '';
    const { signal } = ctx;
    const step = async (name: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (err) {
        signal.throwIfAborted();
        throw Object.assign(new Error(`${name}: ${err instanceof FaultlineError ? err.message : s3ErrorText(err)}`), { step: name });
      }
      done.push(name);
    };
    try {
      await withS3(ctx.stand, {}, async (client) => {
        await step('create', async () => {
          // counted as made before the answer: a lost answer must not leak the bucket
          created = true;
          await send(client, new CreateBucketCommand({ Bucket: bucket }), signal).catch((err: NodeJS.ErrnoException) => {
            // the name is ours alone: "already owned by you" is the SDK's retry of a create
            // that landed but answered too late, so the create worked
            if (err.name === 'BucketAlreadyOwnedByYou') {
              late = '; create answered late (its retry found the bucket made)';
              return;
            }
            if (err.code === 'ECONNREFUSED') created = false;
            throw err;
          });
        });
        if (s.strict) await step('markers appear', async () => void notes.push(await awaitMarkers(ctx.stand, bucket, true, markerMs, signal, sys)));
        await step('head', () => send(client, new HeadBucketCommand({ Bucket: bucket }), signal));
        await step('list', async () => {
          if (!(await listedBucket(client, bucket, signal))) throw new Error('not in ListBuckets');
        });
        await step('put', () => send(client, new PutObjectCommand({ Bucket: bucket, Key: objectKey, Body: body }), signal));
        await step('get', async () => {
          if (!(await bodyEquals(await send(client, new GetObjectCommand({ Bucket: bucket, Key: objectKey }), signal), body))) throw new Error('body differs from what was written');
        });
        await step('delete object', () => send(client, new DeleteObjectCommand({ Bucket: bucket, Key: objectKey }), signal));
        await step('delete bucket', () => send(client, new DeleteBucketCommand({ Bucket: bucket }), signal));
        await step('gone', async () => {
          try {
            await send(client, new HeadBucketCommand({ Bucket: bucket }), signal);
            throw new Error('HeadBucket still answers');
          } catch (err) {
            if (!isNotFound(err)) throw err;
          }
          if (await listedBucket(client, bucket, signal)) throw new Error('still in ListBuckets');
          gone = true;
        });
        if (s.strict) await step('markers vanish', async () => void (await awaitMarkers(ctx.stand, bucket, false, markerMs, signal, sys)));
      });
    } catch (err) {
      const failed = (err as { step?: string }).step;
      if (!failed) throw err;
      const cleaned = created && !gone ? await cleanup(ctx.stand, bucket) : undefined;
      return {
        ok: false,
        value: `failed at ${messageOf(err)} after ${done.join('/') || 'nothing'}${cleaned ? `; cleanup failed: ${cleaned}` : ''}`,
        data: { bucket, failedStep: failed, passed: done },
      };
    } finally {
      if (created && !gone && signal.aborted) await cleanup(ctx.stand, bucket);
    }
    const ms = Date.now() - t0;
    return {
      ok: true,
      value: `${done.length} steps ok in ${formatDuration(ms)}${notes.length ? `; ${notes.join('; ')}, gone after delete` : ''}${late}`,
      data: { bucket, steps: done, ms },
    };
  },
};

export default probe;
