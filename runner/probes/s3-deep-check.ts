/**
 * s3.deepCheck: the state-authority check of incident 000. The bucket is in ListBuckets,
 * HeadBucket answers, every protected key reads back whole, and (when asked) every body
 * parses as JSON. Bodies are never shown; only key names, sizes and verdicts.
 */
import { bucketSchema } from '../spec/fragments.js';
import type { ListBucketsCommandOutput, ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { HeadBucketCommand, ListBucketsCommand, ListObjectsV2Command } from '../s3/sdk.js';
import type { Context, Observation, ProbeDef } from '../core/contracts.js';
import { s3ErrorText, send, withS3 } from '../s3/client.js';
import { mapLimit, readObject } from '../s3/read.js';

export interface DeepCheckSpec {
  bucket: string;
  /** the protected keys; default: every key listed, up to maxKeys */
  keys?: string[];
  json?: boolean;
  maxKeys?: number;
}

const defaultMaxKeys = 1000;

async function listKeys(client: Parameters<typeof send>[0], bucket: string, max: number, signal: AbortSignal): Promise<{ keys: string[]; truncated: boolean }> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await send<ListObjectsV2CommandOutput>(
      client,
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token, MaxKeys: Math.min(1000, max - keys.length) }),
      signal,
    );
    for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token && keys.length < max);
  return { keys: keys.slice(0, max), truncated: !!token || keys.length > max };
}

const probe: ProbeDef<DeepCheckSpec> = {
  kind: 's3.deepCheck',
  summary: 'bucket in ListBuckets, HeadBucket ok, every key readable (and JSON when asked); bodies never shown',
  requires: ['s3'],
  schema: {
    type: 'object',
    required: ['bucket'],
    additionalProperties: false,
    properties: {
      bucket: bucketSchema,
      keys: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true },
      json: { type: 'boolean' },
      maxKeys: { type: 'integer', minimum: 1, maximum: 100000 },
    },
  },
  describe: (s) => `deep check of s3://${s.bucket}${s.keys ? ` (${s.keys.length} keys)` : ''}${s.json ? ', bodies JSON' : ''}`,
  async evaluate(s, ctx: Context): Promise<Observation> {
    return withS3(ctx.stand, {}, async (client): Promise<Observation> => {
      const { signal } = ctx;
      let listed: ListBucketsCommandOutput;
      try {
        listed = await send<ListBucketsCommandOutput>(client, new ListBucketsCommand({}), signal);
      } catch (err) {
        return { ok: false, value: `ListBuckets failed: ${s3ErrorText(err)}`, data: { step: 'listBuckets' } };
      }
      if (!(listed.Buckets ?? []).some((b) => b.Name === s.bucket)) {
        return { ok: false, value: `${s.bucket} missing from ListBuckets (${listed.Buckets?.length ?? 0} buckets listed)`, data: { step: 'listBuckets' } };
      }
      try {
        await send(client, new HeadBucketCommand({ Bucket: s.bucket }), signal);
      } catch (err) {
        return { ok: false, value: `HeadBucket ${s.bucket}: ${s3ErrorText(err)}`, data: { step: 'headBucket' } };
      }
      let keys = s.keys;
      let truncated = false;
      if (!keys) {
        try {
          ({ keys, truncated } = await listKeys(client, s.bucket, s.maxKeys ?? defaultMaxKeys, signal));
        } catch (err) {
          return { ok: false, value: `ListObjectsV2 ${s.bucket}: ${s3ErrorText(err)}`, data: { step: 'listObjects' } };
        }
      }
      const results = await mapLimit(keys, 4, async (key) => {
        try {
          return { key, ...(await readObject(client, s.bucket, key, signal, !!s.json)) };
        } catch (err) {
          signal.throwIfAborted();
          return { key, error: s3ErrorText(err) };
        }
      });
      const unreadable = results.filter((r) => 'error' in r);
      const notJson = s.json ? results.filter((r) => 'json' in r && r.json === false) : [];
      const readable = results.length - unreadable.length;
      const jsonCount = results.filter((r) => 'json' in r && r.json).length;
      const problems = [
        ...unreadable.slice(0, 3).map((r) => `${r.key}: ${'error' in r ? r.error : ''}`),
        ...notJson.slice(0, 3).map((r) => `${r.key}: not JSON`),
      ];
      const value =
        `${readable}/${results.length} keys readable${s.json ? `, ${jsonCount} JSON` : ''}` +
        `${truncated ? ` (first ${keys.length} listed)` : ''}${problems.length ? ` (${problems.join('; ')})` : ''}`;
      return {
        ok: unreadable.length === 0 && notJson.length === 0,
        value,
        data: { keys: results.length, readable, json: jsonCount, unreadable: unreadable.map((r) => r.key), notJson: notJson.map((r) => r.key) },
      };
    });
  },
};

export default probe;
