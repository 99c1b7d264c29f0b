/** s3.ledger on the local stand: verify finds nothing lost, then finds the object we deleted and the one we overwrote. */
import { strict as assert } from 'node:assert';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import workload from '../../runner/workloads/s3-ledger.js';
import verifyProbe from '../../runner/probes/workload-verify.js';
import settled from '../../runner/probes/workload-settled.js';
import { send, withS3 } from '../../runner/s3/client.js';
import { ctxFor, dropBucket, uniqueBucket, useLocalStand } from '../probes/helpers.js';

/** A TCP proxy to the stand's endpoint that can drop every connection, old and new. */
async function cuttableProxy(target: URL): Promise<{ endpoint: string; cut(on: boolean): void; close(): void }> {
  let down = false;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    if (down) return void client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut(on) {
      down = on;
      if (on) for (const s of open) s.destroy();
    },
    close() {
      for (const s of open) s.destroy();
      server.close();
    },
  };
}

describe('workload s3.ledger (local stand)', function () {
  this.timeout(300_000);
  const h = useLocalStand();
  const bucket = uniqueBucket('gate-ledger');
  after(() => dropBucket(h.stand(), bucket));

  it('writes over time, verify finds 0 lost / 0 corrupt, then catches a deleted and an overwritten object', async () => {
    const ctx = ctxFor(h.stand(), 280_000);
    const spec = { bucket, objects: 40, size: '256KiB', interval: '20ms', prefix: 'ledger/' };
    const t0 = Date.now();
    const handle = workload.start('ledger', spec, ctx);
    ctx.handles.set('ledger', handle);
    const steps: number[] = [];
    handle.onProgress((f) => steps.push(f));

    // workload.verify waits for the writer to finish first
    const clean = await verifyProbe.evaluate({ name: 'ledger' }, ctx);
    assert.ok(Date.now() - t0 >= 39 * 20, 'the writes were spread over time');
    assert.equal(steps.length, 40);
    assert.equal(clean.ok, true, clean.value);
    assert.match(clean.value, /^40 acknowledged: 0 lost, 0 corrupt; 0 unacknowledged; read back in \d+/);
    assert.equal((await settled.evaluate({ name: 'ledger', expect: 'completed' }, ctx)).ok, true);
    assert.deepEqual(handle.summary(), { bucket, prefix: 'ledger/', written: 40, acknowledged: 40, unacknowledged: 0 });

    await withS3(h.stand(), {}, async (c) => {
      await send(c, new DeleteObjectCommand({ Bucket: bucket, Key: 'ledger/000007' }), ctx.signal);
      await send(c, new PutObjectCommand({ Bucket: bucket, Key: 'ledger/000023', Body: 'not what the ledger wrote' }), ctx.signal);
    });
    const damaged = await verifyProbe.evaluate({ name: 'ledger' }, ctx);
    assert.equal(damaged.ok, false);
    assert.match(damaged.value, /^40 acknowledged: 1 lost \(000007\), 1 corrupt \(000023\); 0 unacknowledged/);
    assert.deepEqual(damaged.data!.lostKeys, ['ledger/000007']);
    assert.deepEqual(damaged.data!.corruptKeys, ['ledger/000023']);
  });

  it('counts writes the server never acknowledged apart, not as lost', async () => {
    const stand = h.stand();
    const proxy = await cuttableProxy(new URL(stand.s3!.endpoint));
    try {
      const ctx = ctxFor({ ...stand, s3: { ...stand.s3!, endpoint: proxy.endpoint } });
      const handle = workload.start('ledger2', { bucket, objects: 30, size: '16KiB', interval: '30ms', prefix: 'cut/' }, ctx);
      await new Promise<void>((r) => handle.onProgress((f) => f >= 0.3 && r()));
      proxy.cut(true);
      await new Promise((r) => setTimeout(r, 200));
      proxy.cut(false);
      const out = await handle.settled;
      assert.equal(out.state, 'completed');
      const unacked = out.data!.unacknowledged as number;
      assert.ok(unacked >= 3, `writes during the cut were not acknowledged (${unacked})`);
      const v = await handle.verify!(ctx.signal);
      assert.equal(v.ok, true, v.value);
      assert.match(v.value, new RegExp(`^${30 - unacked} acknowledged: 0 lost, 0 corrupt; ${unacked} unacknowledged \\(0 landed\\)`));
    } finally {
      proxy.close();
    }
  });

  it('stop() ends the writer early; what was acknowledged still verifies', async () => {
    const ctx = ctxFor(h.stand());
    const handle = workload.start('ledger3', { bucket, objects: 1000, size: '16KiB', interval: '50ms', prefix: 'stopped/' }, ctx);
    await new Promise<void>((r) => handle.onProgress((f) => f >= 0.005 && r()));
    await handle.stop();
    const out = await handle.settled;
    assert.equal(out.state, 'failed');
    assert.match(out.error!, /^stopped after \d+\/1000 writes$/);
    const v = await handle.verify!(ctx.signal);
    assert.equal(v.ok, true, v.value);
    assert.match(v.value, /^\d+ acknowledged: 0 lost, 0 corrupt/);
  });
});
