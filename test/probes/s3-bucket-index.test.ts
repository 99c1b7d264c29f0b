/**
 * s3.bucketIndex with the s3.indexDivergence fault on the local stand: the divergence is
 * real (the deep check sees NoSuchBucket), the probe catches it, a restart of every node
 * does NOT clear it on MinIO (no in-memory index: the state is on the drives), and the
 * fault's undo does.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { JsonValue, Stand } from '../../runner/core/contracts.js';
import { pollUntil } from '../../runner/core/abort.js';
import fault from '../../runner/faults/s3-index-divergence.js';
import probe from '../../runner/probes/s3-bucket-index.js';
import deepCheck from '../../runner/probes/s3-deep-check.js';
import { bucketDirPath, standDrives } from '../../runner/s3/drives.js';
import { waitAllLive } from '../stands/local/helpers.js';
import { ctxFor, dropBucket, seedBucket, uniqueBucket, useLocalStand } from './helpers.js';

async function restartAllNodes(stand: Stand): Promise<number> {
  const signal = AbortSignal.timeout(180_000);
  const t0 = Date.now();
  const nodes = stand.nodes!;
  // one after another: the stand's driver records each start in one state file
  for (const n of nodes.list()) await nodes.stop!(n, signal);
  const stopped = Date.now();
  for (const n of nodes.list()) await nodes.start!(n, signal);
  await waitAllLive(stand, 120_000);
  console.log(`      stop all: ${((stopped - t0) / 1000).toFixed(1)} s, start until live: ${((Date.now() - stopped) / 1000).toFixed(1)} s`);
  return Date.now() - t0;
}

describe('probe s3.bucketIndex + fault s3.indexDivergence (local stand)', function () {
  this.timeout(400_000);
  const h = useLocalStand();
  beforeEach(() => waitAllLive(h.stand(), 120_000));

  it('is consistent for a healthy bucket and for an absent one', async () => {
    const bucket = uniqueBucket('index-ok');
    await seedBucket(h.stand(), bucket, { 'a.json': '{}' });
    try {
      const present = await probe.evaluate({ bucket }, ctxFor(h.stand()));
      assert.equal(present.ok, true, present.value);
      assert.equal(present.value, `consistent: ${bucket} on 16/16 drives and in the API`);
    } finally {
      await dropBucket(h.stand(), bucket);
    }
    const absent = await probe.evaluate({ bucket }, ctxFor(h.stand()));
    assert.equal(absent.ok, true, absent.value);
    assert.match(absent.value, /absent from drives and API/);
  });

  it('hide: caught, survives a restart of all nodes, cleared by the undo', async () => {
    const stand = h.stand();
    const bucket = uniqueBucket('tofu-state');
    await seedBucket(stand, bucket, { 'arc-runners/terraform.tfstate': '{"serial":65}' });
    const ctx = ctxFor(stand, 380_000);
    const undo = await fault.prepare({ bucket }, ctx);
    try {
      await fault.inject({ bucket }, undo, ctx);
      const caught = await probe.evaluate({ bucket }, ctx);
      assert.equal(caught.ok, false);
      // the metadata directory stays on the other 12 drives: only the bucket directories moved
      assert.equal(caught.value, `divergence: ${bucket} on 4/16 drives (node4) but ListBuckets lacks it, HeadBucket NotFound (HTTP 404); partial markers on 12 drives`);
      const deep = await deepCheck.evaluate({ bucket, json: true }, ctx);
      assert.equal(deep.ok, false);
      assert.match(deep.value, /missing from ListBuckets/);

      // MinIO's background heal runs meanwhile; the remnant holds data, so it stays
      await new Promise((r) => setTimeout(r, 5000));
      assert.equal((await probe.evaluate({ bucket }, ctx)).ok, false, 'still diverged after 5 s');

      const ms = await restartAllNodes(stand);
      const after = await probe.evaluate({ bucket }, ctx);
      console.log(`      after restarting all 4 nodes (${(ms / 1000).toFixed(1)} s): ${after.value}`);
      assert.equal(after.ok, false, 'a restart does not clear it on MinIO');
      assert.equal(after.value, caught.value);
    } finally {
      await fault.revert(undo, ctx);
    }
    const healed = await probe.evaluate({ bucket }, ctx);
    assert.equal(healed.ok, true, healed.value);
    assert.equal(healed.value, `consistent: ${bucket} on 16/16 drives and in the API`);
    // right after a restart MinIO may still answer SlowDownRead (503) for a moment
    const deep = await pollUntil('deep check to pass', 60_000, ctx.signal, async (s) => {
      const o = await deepCheck.evaluate({ bucket, json: true }, { ...ctx, signal: s });
      return o.ok ? o : undefined;
    }, 500);
    assert.equal(deep.value, '1/1 keys readable, 1 JSON', 'the data is all there again');
    await dropBucket(stand, bucket);
  });

  it('hide on an empty bucket anchors it first, and the undo removes the anchor', async () => {
    const stand = h.stand();
    const bucket = uniqueBucket('empty');
    await seedBucket(stand, bucket, {});
    const ctx = ctxFor(stand);
    const undo = await fault.prepare({ bucket, keep: ['node2'] }, ctx);
    assert.equal(undo.anchor, true);
    const effect = () => fault.confirm!({ bucket, keep: ['node2'] }, undo, {}, ctx);
    // the proof of effect: not there before the inject (the API still lists the bucket)
    assert.deepEqual(await effect(), { ok: false, value: `HeadBucket ${bucket}: found; its directory on 4/4 drives of node2` });
    try {
      await fault.inject({ bucket, keep: ['node2'] }, undo, ctx);
      assert.deepEqual(await effect(), { ok: true, value: `HeadBucket ${bucket}: NotFound; its directory on 4/4 drives of node2` });
      await new Promise((r) => setTimeout(r, 4000));
      const obs = await probe.evaluate({ bucket }, ctx);
      assert.equal(obs.ok, false);
      assert.match(obs.value, /on 4\/16 drives \(node2\)/);
    } finally {
      await fault.revert(undo, ctx);
    }
    const deep = await deepCheck.evaluate({ bucket }, ctx);
    assert.equal(deep.value, '0/0 keys readable', 'anchor gone, bucket back');
    await dropBucket(stand, bucket);
  });

  it('deleteDuringOutage: a force-delete while node4 is down leaves a remnant MinIO never reconciles; the undo finishes the delete', async () => {
    const stand = h.stand();
    const bucket = uniqueBucket('outage');
    const ctx = ctxFor(stand, 300_000);
    const spec = { bucket, method: 'deleteDuringOutage' as const };
    const undo = await fault.prepare(spec, ctx);
    try {
      await fault.inject(spec, undo, ctx);
      const caught = await probe.evaluate({ bucket }, ctx);
      assert.equal(caught.ok, false);
      assert.match(caught.value, new RegExp(`^divergence: ${bucket} on 4/16 drives \\(node4\\) but ListBuckets lacks it, HeadBucket NotFound`));
      await new Promise((r) => setTimeout(r, 5000));
      assert.equal((await probe.evaluate({ bucket }, ctx)).ok, false, 'not reconciled after 5 s');
    } finally {
      await fault.revert(undo, ctx);
    }
    const obs = await probe.evaluate({ bucket }, ctx);
    assert.equal(obs.ok, true, obs.value);
    assert.match(obs.value, /absent from drives and API$/);
  });

  it('deleteDuringOutage: the bucket back on other nodes after the delete makes the fault delete it again, and say so', async () => {
    // stands in for MinIO's bucket heal putting the bucket back on peers (likely what made a
    // HeadBucket never answer NotFound in CI): once the first delete has taken the bucket off
    // node1, the test makes its directories again on node1 and node2
    const stand = h.stand();
    const bucket = uniqueBucket('outage-again');
    const drives = standDrives(stand, 'this test');
    const dirs = ['node1', 'node2'].flatMap((n) => drives[n]!.map((d) => bucketDirPath(d, bucket)));
    // the watch ends with the test: an inject that fails early must not leave it waiting
    const watch = new AbortController();
    const signal = AbortSignal.any([watch.signal, AbortSignal.timeout(240_000)]);
    const ctx = ctxFor(stand, 300_000);
    const spec = { bucket, method: 'deleteDuringOutage' as const };
    const undo = await fault.prepare(spec, ctx);
    const remade = (async () => {
      await pollUntil(`${bucket} made on node1`, 240_000, signal, async () => (existsSync(dirs[0]!) ? true : undefined), 20);
      await pollUntil(`${bucket} deleted from node1`, 240_000, signal, async () => (existsSync(dirs[0]!) ? undefined : true), 20);
      for (const d of dirs) await mkdir(d, { recursive: true });
    })().then(() => 'remade', (err: Error) => err.message);
    try {
      const made = (await fault.inject(spec, undo, ctx)) as Record<string, JsonValue>;
      assert.equal(await remade, 'remade');
      assert.equal(made.outageDeletes, 2, JSON.stringify(made));
      assert.match(String((made.missed as string[])[0]), /^try 1: HeadBucket \S+ to answer NotFound for 5 s in a row did not finish within 30\.0 s; its directory on node1 4\/4, node2 4\/4, node3 \d\/4, node4 4\/4$/);
      const caught = await probe.evaluate({ bucket }, ctx);
      assert.equal(caught.ok, false, caught.value);
      assert.match(caught.value, new RegExp(`^divergence: ${bucket} on 4/16 drives \\(node4\\)`));
    } finally {
      watch.abort();
      await remade;
      await fault.revert(undo, ctx);
    }
    assert.equal((await probe.evaluate({ bucket }, ctx)).ok, true);
  });

  it('refuses what would not diverge or would destroy data', async () => {
    const ctx = ctxFor(h.stand());
    await assert.rejects(fault.prepare({ bucket: 'x-no-such-bucket' }, ctx), /does not exist/);
    await assert.rejects(fault.prepare({ bucket: 'x-no-such-bucket', keep: ['node1', 'node2'] }, ctx), /keep must be a minority/);
    const bucket = uniqueBucket('precious');
    await seedBucket(h.stand(), bucket, { k: 'v' });
    try {
      await assert.rejects(fault.prepare({ bucket, method: 'deleteDuringOutage' }, ctx), /exists; deleteDuringOutage makes and deletes its own bucket/);
    } finally {
      await dropBucket(h.stand(), bucket);
    }
  });
});
