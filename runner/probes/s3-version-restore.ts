/**
 * s3.versionRestore: the "restore path is explicit" proof of incident 000. On a bucket with
 * versioning on, one probe object is written twice; its first version must still read back
 * by version id, and copying that version over the current one must make it current again
 * while the second version stays readable. Every version the probe made is deleted after.
 * Bodies are never shown, only version counts and which step failed.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { CopyObjectCommandOutput, GetBucketVersioningCommandOutput, GetObjectCommandOutput, ListObjectVersionsCommandOutput, PutObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { CopyObjectCommand, DeleteObjectCommand, GetBucketVersioningCommand, GetObjectCommand, ListObjectVersionsCommand, PutObjectCommand } from '../s3/sdk.js';
import type { Context, Observation, ProbeDef } from '../core/contracts.js';
import { formatDuration } from '../core/units.js';
import { bucketSchema } from '../spec/fragments.js';
import { s3ErrorText, send, withS3 } from '../s3/client.js';

export interface VersionRestoreSpec {
  bucket: string;
  /** key prefix of the probe object (default faultline-restore-proof/) */
  prefix?: string;
}

const cleanupMs = 15_000;

class StepFailed extends Error {}

async function bodyOf(client: S3Client, bucket: string, key: string, versionId: string | undefined, signal: AbortSignal): Promise<Buffer> {
  const out = await send<GetObjectCommandOutput>(client, new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }), signal);
  return Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
}

const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

async function versionsOf(client: S3Client, bucket: string, key: string, signal: AbortSignal): Promise<string[]> {
  const out = await send<ListObjectVersionsCommandOutput>(client, new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }), signal);
  return [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])].filter((v) => v.Key === key && v.VersionId).map((v) => v.VersionId!);
}

/** Deletes every version (and delete marker) of the probe key, on its own deadline. */
async function cleanup(client: S3Client, bucket: string, key: string, made: string[]): Promise<string | undefined> {
  const signal = AbortSignal.timeout(cleanupMs);
  try {
    const ids = new Set([...made, ...(await versionsOf(client, bucket, key, signal).catch(() => []))]);
    for (const id of ids) await send(client, new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: id }), signal);
    return undefined;
  } catch (err) {
    return s3ErrorText(err);
  }
}

const probe: ProbeDef<VersionRestoreSpec> = {
  kind: 's3.versionRestore',
  summary: 'on a versioned bucket: an object\'s previous version reads back by id and can be restored over the current one',
  requires: ['s3'],
  schema: {
    type: 'object',
    required: ['bucket'],
    additionalProperties: false,
    properties: { bucket: bucketSchema, prefix: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9/_.-]{0,100}$' } },
  },
  describe: (s) => `restore a previous version in s3://${s.bucket}`,
  async evaluate(s, ctx: Context): Promise<Observation> {
    const { signal } = ctx;
    const key = `${s.prefix ?? 'faultline-restore-proof/'}${ctx.runId}-${randomBytes(4).toString('hex')}`;
    const first = Buffer.from(JSON.stringify({ serial: 1, nonce: randomBytes(16).toString('hex') }));
    const second = Buffer.from(JSON.stringify({ serial: 2, nonce: randomBytes(16).toString('hex') }));
    const made: string[] = [];
    const t0 = Date.now();
    let at = 'versioning state';
    return withS3(ctx.stand, {}, async (client): Promise<Observation> => {
      const check = (cond: boolean, why: string) => {
        if (!cond) throw new StepFailed(why);
      };
      try {
        const v = await send<GetBucketVersioningCommandOutput>(client, new GetBucketVersioningCommand({ Bucket: s.bucket }), signal);
        check(v.Status === 'Enabled', `versioning is ${v.Status ?? 'off'} on ${s.bucket}`);
        at = 'put version 1';
        const v1 = (await send<PutObjectCommandOutput>(client, new PutObjectCommand({ Bucket: s.bucket, Key: key, Body: first }), signal)).VersionId;
        check(!!v1 && v1 !== 'null', 'the write got no version id');
        made.push(v1!);
        at = 'put version 2';
        const v2 = (await send<PutObjectCommandOutput>(client, new PutObjectCommand({ Bucket: s.bucket, Key: key, Body: second }), signal)).VersionId;
        check(!!v2 && v2 !== v1, 'the second write got no new version id');
        made.push(v2!);
        at = 'read version 1 by id';
        check(same(await bodyOf(client, s.bucket, key, v1, signal), first), 'version 1 reads back with a different body');
        at = 'restore version 1';
        const source = `${s.bucket}/${encodeURIComponent(key)}?versionId=${encodeURIComponent(v1!)}`;
        const v3 = (await send<CopyObjectCommandOutput>(client, new CopyObjectCommand({ Bucket: s.bucket, Key: key, CopySource: source }), signal)).VersionId;
        if (v3) made.push(v3);
        at = 'read the current version';
        check(same(await bodyOf(client, s.bucket, key, undefined, signal), first), 'the current version is not version 1 after the restore');
        at = 'read version 2 by id';
        check(same(await bodyOf(client, s.bucket, key, v2, signal), second), 'version 2 is gone or changed after the restore');
        at = 'list versions';
        const listed = await versionsOf(client, s.bucket, key, signal);
        check(listed.length === 3 && made.every((id) => listed.includes(id)), `ListObjectVersions shows ${listed.length} versions, expected the 3 written`);
      } catch (err) {
        signal.throwIfAborted();
        const cleaned = await cleanup(client, s.bucket, key, made);
        const why = err instanceof StepFailed ? err.message : s3ErrorText(err);
        return { ok: false, value: `failed at ${at}: ${why}${cleaned ? `; cleanup failed: ${cleaned}` : ''}`, data: { failedStep: at, versions: made.length } };
      }
      const cleaned = await cleanup(client, s.bucket, key, made);
      const ms = Date.now() - t0;
      return {
        ok: !cleaned,
        value: `version 1 restored over version 2 in ${formatDuration(ms)}: 3 versions, current = version 1, version 2 intact${cleaned ? `; cleanup failed: ${cleaned}` : ''}`,
        data: { ms, versions: made.length },
      };
    });
  },
};

export default probe;
