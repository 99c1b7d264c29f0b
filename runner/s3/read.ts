/** Reads one object's body without ever showing it: byte count, sha256, and optionally whether it parses as JSON. */
import { createHash } from 'node:crypto';
import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand } from './sdk.js';
import { send } from './client.js';

/** Bodies larger than this are not parsed as JSON (they are still read and hashed). */
export const maxJsonBytes = 64 * 1024 * 1024;

export interface ReadResult {
  bytes: number;
  sha256: string;
  /** only when asked: whether the body parses as JSON */
  json?: boolean;
}

/** GETs `key` and consumes the whole body; throws the SDK error when it cannot. */
export async function readObject(client: S3Client, bucket: string, key: string, signal: AbortSignal, parseJson = false): Promise<ReadResult> {
  const out = await send<GetObjectCommandOutput>(client, new GetObjectCommand({ Bucket: bucket, Key: key }), signal);
  const body = out.Body as AsyncIterable<Uint8Array> | undefined;
  const hash = createHash('sha256');
  const keep: Uint8Array[] = [];
  let bytes = 0;
  if (body) {
    for await (const chunk of body) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      if (parseJson && bytes <= maxJsonBytes) keep.push(chunk);
    }
  }
  if (out.ContentLength !== undefined && bytes !== out.ContentLength) {
    throw new Error(`body cut short: ${bytes} of ${out.ContentLength} bytes`);
  }
  const result: ReadResult = { bytes, sha256: hash.digest('hex') };
  if (parseJson) {
    try {
      result.json = bytes <= maxJsonBytes && (JSON.parse(Buffer.concat(keep).toString('utf8')), true);
    } catch {
      result.json = false;
    }
  }
  return result;
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
