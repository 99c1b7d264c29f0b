/** s3.scratch on the local stand: the write proof passes, strict markers are really on the drives, failures clean up. */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListBucketsCommand, type ListBucketsCommandOutput } from '@aws-sdk/client-s3';
import probe from '../../runner/probes/s3-scratch.js';
import { send, withS3 } from '../../runner/s3/client.js';
import { ctxFor, drivesHolding, useLocalStand, watchDrives } from './helpers.js';

async function bucketsStartingWith(stand: Parameters<typeof withS3>[0], prefix: string): Promise<string[]> {
  return withS3(stand, {}, async (c) => {
    const out = await send<ListBucketsCommandOutput>(c, new ListBucketsCommand({}), AbortSignal.timeout(10_000));
    return (out.Buckets ?? []).map((b) => b.Name!).filter((n) => n.startsWith(prefix));
  });
}

describe('probe s3.scratch (local stand)', function () {
  this.timeout(120_000);
  const h = useLocalStand();

  it('passes every step and leaves no bucket behind', async () => {
    const obs = await probe.evaluate({ prefix: 'scratch-plain' }, ctxFor(h.stand()));
    assert.equal(obs.ok, true, obs.value);
    assert.match(obs.value, /^8 steps ok in \d+/);
    assert.deepEqual(obs.data!.steps, ['create', 'head', 'list', 'put', 'get', 'delete object', 'delete bucket', 'gone']);
    assert.deepEqual(await bucketsStartingWith(h.stand(), 'scratch-plain'), []);
  });

  it('strict: markers appear on all 16 drives after create and vanish after delete (seen by an independent watcher)', async () => {
    const stand = h.stand();
    const watcher = watchDrives(stand, 'scratch-strict');
    const obs = await probe.evaluate({ strict: true, prefix: 'scratch-strict' }, ctxFor(stand));
    const seen = await watcher.stop();
    assert.equal(obs.ok, true, obs.value);
    assert.match(obs.value, /markers on 16\/16 drives, gone after delete/);
    assert.equal(seen, 16, 'the watcher saw the bucket directory on every drive');
    assert.equal(await drivesHolding(stand, 'scratch-strict'), 0, 'no drive holds it afterwards');
    // the metadata directory is gone too
    for (const d of Object.values(stand.drives!).flat()) {
      assert.equal(await drivesHolding({ ...stand, drives: { x: [join(d, '.minio.sys', 'buckets')] } }, 'scratch-strict'), 0);
    }
  });

  it('strict fails at "markers appear" when a drive never gets them, and still removes its bucket', async () => {
    const stand = h.stand();
    const ghost = await mkdtemp(join(tmpdir(), 'faultline-ghost-drive-'));
    try {
      const drives = { ...stand.drives!, ghost: [ghost] };
      const obs = await probe.evaluate({ strict: true, prefix: 'scratch-ghost', markerWait: '500ms' }, ctxFor({ ...stand, drives }));
      assert.equal(obs.ok, false);
      assert.match(obs.value, /^failed at markers appear: markers on 16\/17 drives \(node1, node2, node3, node4\) after 500 ms after create$/);
      assert.deepEqual(await bucketsStartingWith(stand, 'scratch-ghost'), [], 'the scratch bucket was cleaned up');
    } finally {
      await rm(ghost, { recursive: true, force: true });
    }
  });

  it('fails at create when S3 is unreachable, and says which step', async () => {
    const stand = { ...h.stand(), s3: { ...h.stand().s3!, endpoint: 'http://127.0.0.1:9' } };
    const obs = await probe.evaluate({}, ctxFor(stand));
    assert.equal(obs.ok, false);
    assert.match(obs.value, /^failed at create: .*ECONNREFUSED.* after nothing$/);
  });
});
