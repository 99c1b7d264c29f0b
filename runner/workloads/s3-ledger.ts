/**
 * s3.ledger: writes N objects of random bytes over time, remembering the sha256 of every
 * write the server acknowledged. verify() reads each acknowledged object back: missing is
 * lost, a different sha256 is corrupt. Writes that were never acknowledged are reported
 * apart (they may or may not have landed) and never count as lost.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PutObjectCommand } from '../s3/sdk.js';
import type { Context, JsonValue, Observation, WorkloadDef } from '../core/contracts.js';
import { sleep } from '../core/abort.js';
import { FaultlineError } from '../core/errors.js';
import { formatDuration, mustDuration, mustSize } from '../core/units.js';
import { isNotFound, s3Client, s3ErrorText, send, withS3 } from '../s3/client.js';
import { mapLimit, readObject } from '../s3/read.js';
import { ensureBucket } from './s3-upload.js';
import { WorkloadRun, type Finish } from './run-handle.js';
import { durationSchema, sizeSchema, bucketSchema } from '../spec/fragments.js';

export interface LedgerSpec {
  bucket: string;
  objects: number;
  size: string | number;
  interval?: string;
  prefix?: string;
  /** bodies are JSON documents (like state files) instead of random bytes */
  json?: boolean;
}

/** A JSON document of about `size` bytes: a serial and random padding, like a small state file. */
function jsonBody(serial: number, size: number): Buffer {
  const head = { version: 4, serial, lineage: randomBytes(8).toString('hex'), resources: [] as string[], pad: '' };
  const bare = Buffer.byteLength(JSON.stringify(head));
  head.pad = randomBytes(Math.max(0, Math.ceil((size - bare) / 2))).toString('hex');
  return Buffer.from(JSON.stringify(head));
}

interface Entry {
  key: string;
  sha256: string;
  acked: boolean;
  error?: string;
}

type ReadBack = 'ok' | 'lost' | 'corrupt' | { unreadable: string };

const workload: WorkloadDef<LedgerSpec> = {
  kind: 's3.ledger',
  summary: 'write N checksummed objects over time; verify reports lost and corrupt acknowledged writes',
  requires: ['s3'],
  schema: {
    type: 'object',
    required: ['bucket', 'objects', 'size'],
    additionalProperties: false,
    properties: {
      bucket: bucketSchema,
      objects: { type: 'integer', minimum: 1, maximum: 100000 },
      size: sizeSchema,
      interval: durationSchema,
      prefix: { type: 'string', minLength: 1 },
      json: { type: 'boolean', description: 'bodies are JSON documents (state-file like) instead of random bytes' },
    },
  },
  describe: (s) => `ledger of ${s.objects} x ${s.size} objects in s3://${s.bucket}`,
  start(name, spec, ctx: Context) {
    const size = mustSize(spec.size);
    const intervalMs = spec.interval ? mustDuration(spec.interval) : 100;
    const prefix = spec.prefix ?? `faultline/${ctx.runId}/${name}/`;
    const entries: Entry[] = [];
    const acked = () => entries.filter((e) => e.acked).length;
    const run = new WorkloadRun(name, 's3.ledger', ctx.signal, undefined, () => ({
      bucket: spec.bucket,
      prefix,
      written: entries.length,
      acknowledged: acked(),
      unacknowledged: entries.length - acked(),
    }));

    run.start(async (): Promise<Finish> => {
      await ensureBucket(ctx.stand, spec.bucket, run.signal);
      const client = s3Client(ctx.stand, { signal: run.signal, maxAttempts: 1 });
      try {
        for (let i = 0; i < spec.objects; i++) {
          if (i > 0) await sleep(intervalMs, run.signal);
          const body = spec.json ? jsonBody(i, size) : randomBytes(size);
          const sha256 = createHash('sha256').update(body).digest('hex');
          const entry: Entry = { key: `${prefix}${String(i).padStart(6, '0')}`, sha256, acked: false };
          entries.push(entry);
          try {
            await send(client, new PutObjectCommand({ Bucket: spec.bucket, Key: entry.key, Body: body, Metadata: { sha256 } }), run.signal);
            entry.acked = true;
          } catch (err) {
            run.signal.throwIfAborted();
            entry.error = s3ErrorText(err);
          }
          run.setProgress((i + 1) / spec.objects);
        }
      } catch (err) {
        const cause = run.abortCause(ctx.signal);
        if (!cause) throw err;
        return { state: 'failed', error: `${cause} after ${entries.length}/${spec.objects} writes`, data: { clean: true } };
      } finally {
        client.destroy();
      }
      const unacked = entries.length - acked();
      return { state: 'completed', data: { acknowledged: acked(), unacknowledged: unacked } };
    });

    run.verify = async (signal: AbortSignal): Promise<Observation> => {
      const t0 = Date.now();
      return withS3(ctx.stand, { maxAttempts: 3 }, async (client) => {
        const check = async (e: Entry): Promise<ReadBack> => {
          try {
            const got = await readObject(client, spec.bucket, e.key, signal);
            return got.sha256 === e.sha256 ? 'ok' : 'corrupt';
          } catch (err) {
            signal.throwIfAborted();
            return isNotFound(err) ? 'lost' : { unreadable: s3ErrorText(err) };
          }
        };
        const done = entries.filter((e) => e.acked);
        const pending = entries.filter((e) => !e.acked);
        const results = await mapLimit(done, 8, check);
        const late = await mapLimit(pending, 8, check);
        const keysWhere = (want: ReadBack) => done.filter((_, i) => results[i] === want).map((e) => e.key);
        const lost = keysWhere('lost');
        const corrupt = keysWhere('corrupt');
        const unreadable = done.filter((_, i) => typeof results[i] === 'object');
        if (!done.length) return { ok: false, value: `no write was acknowledged (${pending.length} attempted): nothing to verify`, data: { acknowledged: 0, unacknowledged: pending.length } };
        if (unreadable.length === done.length) {
          const first = results[0] as { unreadable: string };
          throw new FaultlineError('ledger-verify', `no acknowledged object could be read back: ${first.unreadable}`);
        }
        const landed = late.filter((r) => r === 'ok').length;
        const show = (keys: string[]) => (keys.length ? ` (${keys.slice(0, 3).map((k) => k.slice(prefix.length)).join(', ')}${keys.length > 3 ? ', ...' : ''})` : '');
        const value =
          `${done.length} acknowledged: ${lost.length} lost${show(lost)}, ${corrupt.length} corrupt${show(corrupt)}` +
          `${unreadable.length ? `, ${unreadable.length} unreadable` : ''}; ${pending.length} unacknowledged` +
          `${pending.length ? ` (${landed} landed)` : ''}; read back in ${formatDuration(Date.now() - t0)}`;
        const data: Record<string, JsonValue> = {
          acknowledged: done.length,
          lost: lost.length,
          corrupt: corrupt.length,
          unreadable: unreadable.length,
          unacknowledged: pending.length,
          unacknowledgedLanded: landed,
          lostKeys: lost.slice(0, 20),
          corruptKeys: corrupt.slice(0, 20),
        };
        return { ok: lost.length === 0 && corrupt.length === 0 && unreadable.length === 0, value, data };
      });
    };
    return run;
  },
};

export default workload;
