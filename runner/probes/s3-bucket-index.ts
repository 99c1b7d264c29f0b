/**
 * s3.bucketIndex: the divergence of incident 000. The drives hold the bucket (its
 * directory and `<sys>/buckets/<bucket>` on at least one drive) while the API does not
 * (missing from ListBuckets, or HeadBucket NotFound) -- or the API serves a bucket no
 * drive holds, or ListBuckets and HeadBucket disagree. Consistent answers are ok.
 * When the API cannot answer at all the probe cannot compare, and throws (unknown).
 */
import { bucketSchema } from '../spec/fragments.js';
import type { ListBucketsCommandOutput } from '@aws-sdk/client-s3';
import { HeadBucketCommand, ListBucketsCommand } from '../s3/sdk.js';
import type { Context, ProbeDef } from '../core/contracts.js';
import { bucketMarkers, describeMarkers, standDrives, summarizeMarkers, systemFolderOf, type SysDir } from '../s3/drives.js';
import { isNotFound, s3ErrorText, s3Failure, send, withS3 } from '../s3/client.js';

export interface BucketIndexSpec {
  bucket: string;
  sys?: SysDir;
}

interface ApiView {
  listed: boolean;
  /** 'ok' or the NotFound error text */
  head: 'ok' | string;
}

async function apiView(ctx: Context, bucket: string): Promise<ApiView> {
  return withS3(ctx.stand, {}, async (client) => {
    let listed: boolean;
    try {
      const out = await send<ListBucketsCommandOutput>(client, new ListBucketsCommand({}), ctx.signal);
      listed = (out.Buckets ?? []).some((b) => b.Name === bucket);
    } catch (err) {
      throw s3Failure('cannot compare: ListBuckets failed', err);
    }
    try {
      await send(client, new HeadBucketCommand({ Bucket: bucket }), ctx.signal);
      return { listed, head: 'ok' };
    } catch (err) {
      if (!isNotFound(err)) throw s3Failure('cannot compare: HeadBucket failed', err);
      return { listed, head: s3ErrorText(err) };
    }
  });
}

const probe: ProbeDef<BucketIndexSpec> = {
  kind: 's3.bucketIndex',
  summary: 'bucket on the drives (dir + <sys>/buckets/<b>) but not in the API, or the reverse, is a divergence',
  requires: ['s3'],
  schema: {
    type: 'object',
    required: ['bucket'],
    additionalProperties: false,
    properties: {
      bucket: bucketSchema,
      sys: { enum: ['.minio.sys', '.rustfs.sys'] },
    },
  },
  describe: (s) => `no bucket-index divergence for ${s.bucket} (drives vs API)`,
  async evaluate(s, ctx: Context) {
    const drives = standDrives(ctx.stand, 's3.bucketIndex');
    const sys = systemFolderOf(ctx.stand, s.sys, 's3.bucketIndex');
    const sum = summarizeMarkers(await bucketMarkers(drives, s.bucket, ctx.signal, sys));
    const api = await apiView(ctx, s.bucket);
    const onDisk = sum.both > 0;
    const inApi = api.listed && api.head === 'ok';
    const apiText = `ListBuckets ${api.listed ? 'lists it' : 'lacks it'}, HeadBucket ${api.head}`;
    const orphans = sum.sysDirOnly + sum.bucketDirOnly ? `; partial markers on ${sum.bucketDirOnly + sum.sysDirOnly} drives` : '';
    const data = { drives: sum.drives, onDrives: sum.both, nodes: sum.nodes, bucketDirOnly: sum.bucketDirOnly, sysDirOnly: sum.sysDirOnly, listed: api.listed, head: api.head };
    if (api.listed !== (api.head === 'ok')) {
      return { ok: false, value: `API disagrees with itself: ${apiText}; on ${describeMarkers(sum)}`, data };
    }
    if (onDisk && !inApi) {
      return { ok: false, value: `divergence: ${s.bucket} on ${describeMarkers(sum)} but ${apiText}${orphans}`, data };
    }
    if (!onDisk && inApi) {
      return { ok: false, value: `divergence: the API serves ${s.bucket} but no drive holds it${orphans}`, data };
    }
    return {
      ok: true,
      value: inApi ? `consistent: ${s.bucket} on ${describeMarkers(sum)} and in the API` : `consistent: ${s.bucket} absent from drives and API${orphans}`,
      data,
    };
  },
};

export default probe;
