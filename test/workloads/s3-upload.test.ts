/** s3.upload on the local stand: completes with monotonic progress, stops cleanly, and a hang fails at its bound. */
import { strict as assert } from 'node:assert';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand, ListMultipartUploadsCommand, type HeadObjectCommandOutput, type ListMultipartUploadsCommandOutput } from '@aws-sdk/client-s3';
import workload from '../../runner/workloads/s3-upload.js';
import settled from '../../runner/probes/workload-settled.js';
import { send, withS3 } from '../../runner/s3/client.js';
import { ctxFor, dropBucket, uniqueBucket, useLocalStand } from '../probes/helpers.js';

describe('workload s3.upload (local stand)', function () {
  this.timeout(600_000);
  const h = useLocalStand();
  const bucket = uniqueBucket('gate-scratch');
  after(() => dropBucket(h.stand(), bucket));

  it('uploads 256 MiB in 16 MiB parts with monotonic progress, then workload.settled passes', async () => {
    const ctx = ctxFor(h.stand(), 580_000);
    const size = 256 * 1024 * 1024;
    const handle = workload.start('upload', { bucket, size: '256MiB', partSize: '16MiB', key: 'big.bin' }, ctx);
    ctx.handles.set('upload', handle);
    const seen: number[] = [];
    handle.onProgress((f) => seen.push(f));
    const early = await settled.evaluate({ name: 'upload' }, ctx);
    assert.equal(early.ok, false);
    assert.match(early.value, /^still running at \d+%$/);
    const out = await handle.settled;
    assert.equal(out.state, 'completed', out.error);
    assert.ok(seen.length >= 20, `progress reported often (${seen.length} events)`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! > seen[i - 1]!, `monotonic at ${i}`);
    assert.equal(seen.at(-1), 1);
    assert.ok(seen.some((f) => f > 0.4 && f < 0.6), 'a value near the middle was reported (a 45% trigger can fire)');
    const head = await withS3(h.stand(), {}, (c) => send<HeadObjectCommandOutput>(c, new HeadObjectCommand({ Bucket: bucket, Key: 'big.bin' }), ctx.signal));
    assert.equal(head.ContentLength, size);
    const mibps = out.data!.mibPerSec as number;
    console.log(`      256 MiB in ${((out.data!.ms as number) / 1000).toFixed(1)} s = ${mibps} MiB/s (${seen.length} progress events)`);
    assert.ok(mibps > 5, 'not absurdly slow');
    const obs = await settled.evaluate({ name: 'upload', expect: 'completed' }, ctx);
    assert.equal(obs.ok, true);
    assert.match(obs.value, /^completed in \d+(\.\d)? s$/);
    assert.deepEqual(ctx.events.map((e) => e.type), ['upload.done']);
  });

  it('a body smaller than one part goes up in a single PUT, and an uneven last part is fine', async () => {
    const ctx = ctxFor(h.stand());
    for (const [size, bytes] of [['3MiB', 3 * 1024 * 1024], ['13MiB', 13 * 1024 * 1024]] as const) {
      const handle = workload.start('small', { bucket, size, partSize: '5MiB', key: `small-${size}` }, ctx);
      const out = await handle.settled;
      assert.equal(out.state, 'completed', out.error);
      assert.equal(handle.progress(), 1);
      const head = await withS3(h.stand(), {}, (c) => send<HeadObjectCommandOutput>(c, new HeadObjectCommand({ Bucket: bucket, Key: `small-${size}` }), ctx.signal));
      assert.equal(head.ContentLength, bytes);
    }
  });

  it('stop() mid-upload ends it failed but clean: no multipart upload is left', async () => {
    const ctx = ctxFor(h.stand());
    const handle = workload.start('upload', { bucket, size: '512MiB', partSize: '16MiB', key: 'stopped.bin' }, ctx);
    await new Promise<void>((resolve) => handle.onProgress((f) => f > 0.1 && resolve()));
    await handle.stop();
    const out = await handle.settled;
    assert.equal(out.state, 'failed');
    assert.match(out.error!, /^stopped by the runner at \d+% \(\d+(\.\d)? MiB sent\)$/);
    assert.equal(out.data!.clean, true);
    const left = await withS3(h.stand(), {}, (c) =>
      send<ListMultipartUploadsCommandOutput>(c, new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'stopped.bin' }), AbortSignal.timeout(10_000)));
    assert.deepEqual(left.Uploads ?? [], [], 'the multipart upload was aborted');
  });
});

describe('workload s3.upload against a server that never answers', function () {
  this.timeout(60_000);
  let server: Server;
  const sockets: Socket[] = [];
  let endpoint = '';
  before(async () => {
    server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });

  it('a hang is a failure at its bound, and not clean', async () => {
    const { bareStand } = await import('../probes/helpers.js');
    const stand = bareStand({ s3: { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } } });
    const ctx = ctxFor(stand);
    const t0 = Date.now();
    const handle = workload.start('upload', { bucket: 'hang', size: '16MiB', partSize: '5MiB', timeout: '2s' }, ctx);
    ctx.handles.set('upload', handle);
    const out = await handle.settled;
    assert.equal(out.state, 'failed');
    assert.match(out.error!, /^no completion within 2\.0 s, hung at 0% \(0 B sent\)$/);
    assert.equal(out.data!.clean, false);
    assert.ok(Date.now() - t0 < 25_000, 'bounded, cleanup included');
    const obs = await settled.evaluate({ name: 'upload' }, ctx);
    assert.equal(obs.ok, false, 'a hang is not settling cleanly');
    assert.match(obs.value, /^failed after 2\.\d s: no completion within 2\.0 s, hung at 0% .*\(not clean\)$/);
  });
});
