/**
 * s3.versioning and s3.versionRestore on a MinIO stand of their own (local-minio): the restore
 * proof passes on a versioned bucket and leaves no versions behind; it fails, naming the step,
 * when versioning is off and when the cluster has lost its write quorum; the fault's revert
 * puts the bucket back the way it was.
 */
import { strict as assert } from 'node:assert';
import { DeleteObjectCommand, GetBucketVersioningCommand, ListObjectVersionsCommand, type GetBucketVersioningCommandOutput, type ListObjectVersionsCommandOutput } from '@aws-sdk/client-s3';
import fault from '../../runner/faults/s3-versioning.js';
import probe from '../../runner/probes/s3-version-restore.js';
import { send, withS3 } from '../../runner/s3/client.js';
import { ctxFor, dropBucket, seedBucket, uniqueBucket, useLocalStand } from './helpers.js';
import { restoreAll } from '../stands/local/helpers.js';

describe('fault s3.versioning and probe s3.versionRestore (local-minio stand)', function () {
  this.timeout(300_000);
  const h = useLocalStand('local-minio');
  const bucket = uniqueBucket('version-restore');
  const status = () =>
    withS3(h.stand(), {}, (c) => send<GetBucketVersioningCommandOutput>(c, new GetBucketVersioningCommand({ Bucket: bucket }), AbortSignal.timeout(10_000))).then((o) => o.Status);

  // nested, so its cleanup runs before the stand helper's own after hook
  describe('one bucket', function () {
    before(() => seedBucket(h.stand(), bucket, { 'arc-runners/terraform.tfstate': '{"serial":65}' }));
    after(async () => {
      await restoreAll(h.stand());
      const all = await withS3(h.stand(), {}, (c) => send<ListObjectVersionsCommandOutput>(c, new ListObjectVersionsCommand({ Bucket: bucket }), AbortSignal.timeout(10_000)));
      assert.deepEqual((all.Versions ?? []).map((v) => v.Key).filter((k) => k!.startsWith('faultline-restore-proof/')), [], 'the probe left no versions');
      // a bucket that was versioned only goes once every version is gone
      await withS3(h.stand(), {}, async (c) => {
        for (const v of [...(all.Versions ?? []), ...(all.DeleteMarkers ?? [])]) {
          await send(c, new DeleteObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId }), AbortSignal.timeout(10_000));
        }
      });
      await dropBucket(h.stand(), bucket);
    });

    it('fails while versioning is off, saying so', async () => {
      const obs = await probe.evaluate({ bucket }, ctxFor(h.stand()));
      assert.equal(obs.ok, false);
      assert.match(obs.value, /^failed at versioning state: versioning is off on /);
    });

    it('versioning on: version 1 reads back by id and is restored over version 2', async () => {
      const ctx = ctxFor(h.stand());
      const undo = await fault.prepare({ bucket }, ctx);
      assert.equal(undo.before, null);
      // the proof of effect: not before the inject, yes after
      assert.deepEqual(await fault.confirm!({ bucket }, undo, {}, ctx), { ok: false, value: `versioning of ${bucket}: never enabled` });
      await fault.inject({ bucket }, undo, ctx);
      assert.equal(await status(), 'Enabled');
      assert.deepEqual(await fault.confirm!({ bucket }, undo, {}, ctx), { ok: true, value: `versioning of ${bucket}: Enabled` });
      const obs = await probe.evaluate({ bucket }, ctxFor(h.stand()));
      assert.equal(obs.ok, true, obs.value);
      assert.match(obs.value, /^version 1 restored over version 2 in .*: 3 versions, current = version 1, version 2 intact$/);
    });

    it('fails, naming the step, when 3 of 4 nodes are dark (no write quorum)', async () => {
      const d = h.driver();
      for (const n of ['node2', 'node3', 'node4']) await d.powerOff(n, AbortSignal.timeout(60_000));
      try {
        const obs = await probe.evaluate({ bucket }, ctxFor(h.stand()));
        assert.equal(obs.ok, false, obs.value);
        assert.match(obs.value, /^failed at /);
      } finally {
        await restoreAll(h.stand());
      }
    });

    it('revert suspends a bucket that was never versioned, and leaves an enabled one enabled', async () => {
      await fault.revert({ bucket, before: null }, ctxFor(h.stand()));
      assert.equal(await status(), 'Suspended');
      const ctx = ctxFor(h.stand());
      await fault.inject({ bucket }, { bucket, before: 'Suspended' }, ctx);
      const undo = await fault.prepare({ bucket }, ctx);
      assert.equal(undo.before, 'Enabled');
      await fault.revert(undo, ctx);
      assert.equal(await status(), 'Enabled');
      await fault.revert({ bucket, before: 'Suspended' }, ctx);
      assert.equal(await status(), 'Suspended');
    });
  });
});
