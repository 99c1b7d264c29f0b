/** s3.deepCheck on the local stand: passes on a healthy state bucket, fails on what the incident saw. */
import { strict as assert } from 'node:assert';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import probe from '../../runner/probes/s3-deep-check.js';
import { send, withS3 } from '../../runner/s3/client.js';
import { ctxFor, dropBucket, seedBucket, uniqueBucket, useLocalStand } from './helpers.js';

describe('probe s3.deepCheck (local stand)', function () {
  this.timeout(120_000);
  const h = useLocalStand();
  const bucket = uniqueBucket('deep-check');
  const secret = 'do-not-show-this-body';
  const state = (serial: number) => JSON.stringify({ version: 4, serial, lineage: secret, resources: [] });

  before(async () => {
    await seedBucket(h.stand(), bucket, {
      'arc-runners/terraform.tfstate': state(65),
      'cache/terraform.tfstate': state(12),
      'net/terraform.tfstate': state(3),
      'dns/terraform.tfstate': state(7),
    });
  });
  after(() => dropBucket(h.stand(), bucket));

  it('passes: 4/4 keys readable, 4 JSON, and never shows a body', async () => {
    const obs = await probe.evaluate({ bucket, json: true }, ctxFor(h.stand()));
    assert.equal(obs.ok, true, obs.value);
    assert.equal(obs.value, '4/4 keys readable, 4 JSON');
    assert.ok(!JSON.stringify(obs).includes(secret), 'no body content in the observation');
  });

  it('fails on a protected key that is missing, naming it', async () => {
    const keys = ['arc-runners/terraform.tfstate', 'gone/terraform.tfstate'];
    const obs = await probe.evaluate({ bucket, keys, json: true }, ctxFor(h.stand()));
    assert.equal(obs.ok, false);
    assert.match(obs.value, /^1\/2 keys readable, 1 JSON \(gone\/terraform\.tfstate: NoSuchKey \(HTTP 404\)\)$/);
  });

  it('fails when a body is not JSON, without showing it', async () => {
    await seedBucket(h.stand(), bucket, { 'broken/terraform.tfstate': `{"lineage":"${secret}"` });
    try {
      const obs = await probe.evaluate({ bucket, json: true }, ctxFor(h.stand()));
      assert.equal(obs.ok, false);
      assert.match(obs.value, /^5\/5 keys readable, 4 JSON \(broken\/terraform\.tfstate: not JSON\)$/);
      assert.ok(!JSON.stringify(obs).includes(secret));
    } finally {
      await withS3(h.stand(), {}, (c) => send(c, new DeleteObjectCommand({ Bucket: bucket, Key: 'broken/terraform.tfstate' }), AbortSignal.timeout(10_000)));
    }
  });

  it('fails when the bucket is missing from ListBuckets', async () => {
    const obs = await probe.evaluate({ bucket: `${bucket}-absent` }, ctxFor(h.stand()));
    assert.equal(obs.ok, false);
    assert.match(obs.value, /-absent missing from ListBuckets/);
  });
});
