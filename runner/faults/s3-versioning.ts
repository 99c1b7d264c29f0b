/**
 * s3.versioning: turns object versioning on for a bucket, so a scenario can prove the
 * restore-from-a-previous-version path of incident 000 (s3.versionRestore). Revert puts
 * the bucket back the way it was: S3 cannot un-version a bucket, so one that had never
 * been versioned goes to Suspended (new writes get no new versions), the nearest state.
 */
import type { GetBucketVersioningCommandOutput } from '@aws-sdk/client-s3';
import { GetBucketVersioningCommand, PutBucketVersioningCommand } from '../s3/sdk.js';
import type { Context, FaultDef } from '../core/contracts.js';
import { deadline } from '../core/abort.js';
import { FaultlineError } from '../core/errors.js';
import { s3ErrorText, send, withS3 } from '../s3/client.js';
import { bucketSchema } from '../spec/fragments.js';

export interface VersioningSpec {
  bucket: string;
}

interface Undo {
  bucket: string;
  /** Enabled, Suspended, or null (never versioned) before the fault */
  before: string | null;
  [k: string]: string | null;
}

const callMs = 15_000;

async function versioningOf(ctx: Context, bucket: string): Promise<string | null> {
  const out = await withS3(ctx.stand, {}, (client) =>
    send<GetBucketVersioningCommandOutput>(client, new GetBucketVersioningCommand({ Bucket: bucket }), deadline(ctx.signal, callMs)),
  ).catch((err: unknown) => {
    throw new FaultlineError('s3-versioning', `s3.versioning: cannot read the versioning state of ${bucket}: ${s3ErrorText(err)}`);
  });
  return out.Status ?? null;
}

const fault: FaultDef<VersioningSpec, Undo> = {
  kind: 's3.versioning',
  summary: 'turn object versioning on for a bucket; revert restores its previous state (Suspended if it was never versioned)',
  requires: ['s3'],
  schema: { type: 'object', required: ['bucket'], additionalProperties: false, properties: { bucket: bucketSchema } },
  describe: (s) => `versioning on for s3://${s.bucket}`,
  prepare: async (s, ctx) => ({ bucket: s.bucket, before: await versioningOf(ctx, s.bucket) }),
  async inject(s, undo, ctx) {
    await withS3(ctx.stand, {}, (client) =>
      send(client, new PutBucketVersioningCommand({ Bucket: s.bucket, VersioningConfiguration: { Status: 'Enabled' } }), deadline(ctx.signal, callMs)),
    );
    return { bucket: s.bucket, before: undo.before ?? 'never versioned' };
  },
  async confirm(s, _undo, _i, ctx) {
    const status = await versioningOf(ctx, s.bucket);
    return { ok: status === 'Enabled', value: `versioning of ${s.bucket}: ${status ?? 'never enabled'}` };
  },
  async revert(undo, ctx) {
    if (undo.before === 'Enabled') return;
    await withS3(ctx.stand, {}, (client) =>
      send(client, new PutBucketVersioningCommand({ Bucket: undo.bucket, VersioningConfiguration: { Status: 'Suspended' } }), deadline(ctx.signal, callMs)),
    );
  },
};

export default fault;
