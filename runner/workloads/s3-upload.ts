/**
 * s3.upload: one large multipart upload, `queueSize` parts in flight, with progress measured
 * as body bytes handed to the sockets. Ends completed or failed with timings; running into
 * its bound (a hang) is a failure that is not clean. Whatever the outcome, a multipart
 * upload left behind is aborted on a fresh deadline.
 * The parts are views of one random block (body.ts) sent as they are: lib-storage's
 * Upload copied every part out of a stream (Buffer.concat, plus the garbage of a fresh
 * part-sized buffer each time), about a fifth of the upload's wall time on a busy machine.
 */
import { randomBytes } from 'node:crypto';
import type { CompletedPart, CreateMultipartUploadCommandOutput, ListMultipartUploadsCommandOutput, S3Client, UploadPartCommandOutput } from '@aws-sdk/client-s3';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '../s3/sdk.js';
import type { Context, JsonValue, Stand, WorkloadDef } from '../core/contracts.js';
import { formatDuration, formatSize, mustDuration, mustSize } from '../core/units.js';
import { isNotFound, s3Client, s3ErrorText, send, withS3 } from '../s3/client.js';
import { partBodies } from './body.js';
import { WorkloadRun, type Finish } from './run-handle.js';
import { durationSchema, sizeSchema, bucketSchema } from '../spec/fragments.js';

export interface UploadSpec {
  bucket: string;
  size: string | number;
  partSize: string | number;
  queueSize?: number;
  key?: string;
  /** the hang bound (default: 5 min, or 2 MiB/s for large sizes) */
  timeout?: string;
}

const cleanupMs = 15_000;

/**
 * Parts are sent with an unsigned payload: SigV4 would otherwise sha256 every part on the
 * event loop before sending it (about a second per 512 MiB on a busy 2-core machine,
 * stalling the other parts' sockets meanwhile). Requests stay signed; a stand that refuses
 * unsigned payloads fails the upload with its own error.
 */
function sendPartsUnsigned(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'UploadPartCommand' || context.commandName === 'PutObjectCommand') {
        (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      }
      return next(args);
    },
    { step: 'build', name: 'faultlineUnsignedParts' },
  );
}

export async function ensureBucket(stand: Stand, bucket: string, signal: AbortSignal): Promise<void> {
  await withS3(stand, {}, async (client) => {
    try {
      await send(client, new HeadBucketCommand({ Bucket: bucket }), signal);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await send(client, new CreateBucketCommand({ Bucket: bucket }), signal);
      } catch (e) {
        const name = (e as Error).name;
        if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw e;
      }
    }
  });
}

interface Multipart {
  /** set as soon as the server has answered the create */
  uploadId?: string;
}

/** Sends the parts, `queueSize` at a time, and completes the upload (one PUT when there is one part). */
async function multipartUpload(
  client: S3Client,
  target: { bucket: string; key: string; size: number; partSize: number; queueSize: number },
  mp: Multipart,
  signal: AbortSignal,
  onPartDone: () => void,
): Promise<void> {
  const bodies = partBodies(target.size, target.partSize);
  const { bucket, key } = target;
  if (bodies.count === 1) {
    await send(client, new PutObjectCommand({ Bucket: bucket, Key: key, Body: bodies.part(1), ContentLength: target.size }), signal);
    onPartDone();
    return;
  }
  const created = await send<CreateMultipartUploadCommandOutput>(client, new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }), signal);
  mp.uploadId = created.UploadId;
  const done: CompletedPart[] = [];
  let next = 1;
  const worker = async () => {
    while (next <= bodies.count) {
      const n = next++;
      const body = bodies.part(n);
      const out = await send<UploadPartCommandOutput>(
        client,
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: mp.uploadId, PartNumber: n, Body: body, ContentLength: body.byteLength }),
        signal,
      );
      if (!out.ETag) throw new Error(`part ${n}: the answer has no ETag`);
      done.push({ PartNumber: n, ETag: out.ETag });
      onPartDone();
    }
  };
  // the first failure stops the others: the client is bound to the run's signal
  await Promise.all(Array.from({ length: Math.min(target.queueSize, bodies.count) }, worker));
  done.sort((a, b) => a.PartNumber! - b.PartNumber!);
  await send(client, new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: mp.uploadId, MultipartUpload: { Parts: done } }), signal);
}

/** Aborts our multipart upload(s) for `key`; returns an error text when it could not. */
async function abortLeftovers(stand: Stand, bucket: string, key: string, uploadId: string | undefined): Promise<string | undefined> {
  const signal = AbortSignal.timeout(cleanupMs);
  return withS3(stand, {}, async (client) => {
    try {
      const ids = new Set(uploadId ? [uploadId] : []);
      // the create may have landed even if its answer did not
      const out = await send<ListMultipartUploadsCommandOutput>(client, new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }), signal);
      for (const u of out.Uploads ?? []) if (u.Key === key && u.UploadId) ids.add(u.UploadId);
      for (const id of ids) {
        try {
          await send(client, new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }), signal);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      return undefined;
    } catch (err) {
      return s3ErrorText(err);
    }
  });
}

const workload: WorkloadDef<UploadSpec> = {
  kind: 's3.upload',
  summary: 'one large multipart upload (parts in parallel) with byte progress; completed or failed with timings',
  requires: ['s3'],
  schema: {
    type: 'object',
    required: ['bucket', 'size', 'partSize'],
    additionalProperties: false,
    properties: {
      bucket: bucketSchema,
      size: sizeSchema,
      partSize: sizeSchema,
      queueSize: { type: 'integer', minimum: 1, maximum: 64 },
      key: { type: 'string', minLength: 1 },
      timeout: durationSchema,
    },
  },
  describe: (s) => `upload ${s.size} to s3://${s.bucket} in ${s.partSize} parts`,
  start(name, spec, ctx: Context) {
    const size = mustSize(spec.size);
    const partSize = mustSize(spec.partSize);
    const boundMs = spec.timeout ? mustDuration(spec.timeout) : Math.max(300_000, Math.ceil(size / (2 * 1024 * 1024)) * 1000);
    const key = spec.key ?? `faultline/${ctx.runId}/${name}-${randomBytes(4).toString('hex')}`;
    const perPart = new Map<string, number>();
    const stats = { sent: 0, partsDone: 0, uploadStartedAt: 0 };
    const run = new WorkloadRun(name, 's3.upload', ctx.signal, boundMs, () => ({
      bucket: spec.bucket,
      bytes: size,
      partSize,
      partsDone: stats.partsDone,
      sentBytes: Math.min(stats.sent, size),
    }));
    const pct = () => `${Math.floor(run.progress() * 100)}%`;

    const body = async (): Promise<Finish> => {
      const mp: Multipart = {};
      let started = false;
      const client = s3Client(ctx.stand, {
        signal: run.signal,
        requestTimeoutMs: 0,
        socketTimeoutMs: 30_000,
        maxAttempts: 3,
        onBody: ({ query, bytes, restart }) => {
          const part = String(query.partNumber ?? '0');
          if (restart) perPart.set(part, 0);
          else perPart.set(part, (perPart.get(part) ?? 0) + bytes);
          stats.sent = [...perPart.values()].reduce((a, b) => a + b, 0);
          run.setProgress(Math.min(0.999, stats.sent / size));
        },
      });
      sendPartsUnsigned(client);
      try {
        await ensureBucket(ctx.stand, spec.bucket, run.signal);
        stats.uploadStartedAt = Date.now();
        started = true;
        await multipartUpload(client, { bucket: spec.bucket, key, size, partSize, queueSize: spec.queueSize ?? 4 }, mp, run.signal, () => void stats.partsDone++);
        const ms = Date.now() - stats.uploadStartedAt;
        run.setProgress(1);
        const mibPerSec = Math.round((size / 1024 / 1024 / (ms / 1000)) * 10) / 10;
        ctx.emit('upload.done', { name, bytes: size, ms, mibPerSec });
        return { state: 'completed', data: { bucket: spec.bucket, key, bytes: size, ms, mibPerSec } };
      } catch (err) {
        const cause = run.abortCause(ctx.signal);
        const at = `at ${pct()} (${formatSize(Math.min(stats.sent, size))} sent)`;
        const error =
          cause === 'timeout' ? `no completion within ${formatDuration(boundMs)}, hung ${at}`
          : cause === 'stopped' ? `stopped by the runner ${at}`
          : cause === 'aborted' ? `run aborted ${at}`
          : `${s3ErrorText(err)} ${at}`;
        // not started: nothing was made on the server
        const cleanupError = started ? await abortLeftovers(ctx.stand, spec.bucket, key, mp.uploadId) : undefined;
        const data: Record<string, JsonValue> = { bucket: spec.bucket, key, clean: cause !== 'timeout' && !cleanupError, leftoversAborted: !cleanupError };
        if (cleanupError) data.cleanupError = cleanupError;
        return { state: 'failed', error, data };
      } finally {
        client.destroy();
      }
    };
    return run.start(body);
  },
};

export default workload;
