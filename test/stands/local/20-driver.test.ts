/** Every NodeDriver operation of the local stand really happens, and really undoes. */
import { strict as assert } from 'node:assert';
import { connect as tcpConnect, type Socket } from 'node:net';
import { readFile, writeFile, rm, stat } from 'node:fs/promises';
import { PutObjectCommand, GetObjectCommand, CreateBucketCommand } from '@aws-sdk/client-s3';
import type { FaultlineError } from '../../../runner/core/errors.js';
import { procState } from '../../../runner/core/proc.js';
import { usage } from '../../../runner/stands/local/drives.js';
import { netnsTables } from '../../../runner/stands/local/network.js';
import { STOCK_KERNEL, XR_KERNEL } from '../../../runner/stands/local/kernel.js';
import { connect, connectFrom, httpStatusOrError, s3Of, useLocalStand, waitHttp } from './helpers.js';

const sig = () => AbortSignal.timeout(120_000);
const live = (i: number) => `http://10.251.0.1${i}:9000/minio/health/live`;

describe('local stand: node driver', function () {
  const h = useLocalStand();

  it('powerOff: drop first, then kill — a new connect times out, an open one sees no FIN/RST; 3 of 4 nodes keep serving S3', async () => {
    const d = h.driver();
    // Keep a connection open to node4 to watch for FIN/RST when it dies.
    const open: Socket = await new Promise((res, rej) => {
      const s = tcpConnect({ host: '10.251.0.14', port: 9000 }, () => res(s));
      s.once('error', rej);
    });
    const s3 = s3Of(h.stand());
    const Bucket = `fl-po-${Date.now()}`;
    await s3.send(new CreateBucketCommand({ Bucket }));
    const seen: string[] = [];
    open.on('end', () => seen.push('FIN')).on('error', (e: NodeJS.ErrnoException) => seen.push(e.code ?? 'error'));
    const t0 = Date.now();
    await d.powerOff('node4', sig());
    const offMs = Date.now() - t0;
    assert.deepEqual(await d.servicePids('node4'), []);
    assert.ok(await d.isPoweredOff('node4', sig()));
    assert.equal(await connect('10.251.0.14', 9000, 2000), 'timeout', 'a powered-off node must not refuse');
    assert.equal(await connectFrom('fl-node1', '10.251.0.14', 9000, 2000), 'timeout', 'nor refuse a peer');
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(seen, [], 'the open connection saw neither FIN nor RST');
    open.destroy();

    const t1 = Date.now();
    let served = false;
    const attempts: string[] = [];
    for (let i = 0; Date.now() - t1 < 90_000 && !served; i++) {
      const ta = Date.now();
      try {
        await s3.send(new PutObjectCommand({ Bucket, Key: `k${i}`, Body: 'still here' }), { abortSignal: AbortSignal.timeout(30_000) });
        const body = await (await s3.send(new GetObjectCommand({ Bucket, Key: `k${i}` }), { abortSignal: AbortSignal.timeout(30_000) })).Body!.transformToString();
        served = body === 'still here';
        attempts.push(`ok in ${Date.now() - ta} ms`);
      } catch (err) {
        // the cluster is still finding out that node4 is gone
        attempts.push(`${(err as Error).name} after ${Date.now() - ta} ms`);
      }
    }
    const serveMs = Date.now() - t1;
    console.log(`      powerOff took ${offMs} ms; S3 put+get with 3 of 4 nodes served ${(serveMs / 1000).toFixed(1)} s after it (attempts: ${attempts.join('; ')})`);
    assert.ok(served, 'S3 kept serving with 3 of 4 nodes');

    const t2 = Date.now();
    await d.powerOn('node4', sig());
    assert.ok(!(await d.isPoweredOff('node4', sig())));
    assert.ok(!(await netnsTables('fl-node4', sig())).some((t) => t.includes('fl_power')), 'drop lifted');
    const backMs = await waitHttp(live(4), 90_000);
    console.log(`      powerOn: node4 answers again ${((Date.now() - t2) / 1000).toFixed(1)} s after (live wait ${backMs} ms)`);
    // idempotent
    await d.powerOn('node4', sig());
    assert.equal((await d.servicePids('node4')).length, 1);
  });

  it('kill: SIGKILL leaves the node up but refusing; start brings MinIO back', async () => {
    const d = h.driver();
    const [pid] = await d.servicePids('node2');
    await d.kill('node2', sig());
    assert.deepEqual(await d.servicePids('node2'), []);
    assert.equal(await procState(pid!).then((s) => s === undefined || s === 'Z'), true);
    assert.equal(await connect('10.251.0.12', 9000, 2000), 'refused', 'network up, nothing listening');
    await d.kill('node2', sig()); // idempotent
    await d.start('node2', sig());
    await d.start('node2', sig()); // idempotent: still one process
    assert.equal((await d.servicePids('node2')).length, 1);
    await waitHttp(live(2), 60_000);
  });

  it('stop: SIGTERM ends MinIO gracefully within the bound; start brings it back', async () => {
    const d = h.driver();
    const t = Date.now();
    await d.stop('node3', sig());
    assert.deepEqual(await d.servicePids('node3'), []);
    const log = await readFile(d.layout('node3').log, 'utf8');
    assert.ok(!log.includes('sent SIGKILL'), `graceful stop took ${Date.now() - t} ms without escalation`);
    assert.equal(await connect('10.251.0.13', 9000, 2000), 'refused');
    await d.start('node3', sig());
    await waitHttp(live(3), 60_000);
  });

  it('pause: SIGSTOP freezes MinIO (connects, never answers); resume thaws it', async () => {
    const d = h.driver();
    await d.pause('node2', sig());
    const [pid] = await d.servicePids('node2');
    assert.equal(await procState(pid!), 'T');
    assert.equal(await connect('10.251.0.12', 9000, 2000), 'connected', 'the kernel still accepts');
    assert.equal(await httpStatusOrError(live(2), 2000), 'TimeoutError');
    await d.pause('node2', sig()); // idempotent
    await d.resume('node2', sig());
    assert.notEqual(await procState(pid!), 'T');
    assert.equal(await httpStatusOrError(live(2), 5000), 200);
  });

  it('partition: nodes in different groups cannot reach each other; heal restores it', async () => {
    const d = h.driver();
    const groups = [['node1', 'node2'], ['node3', 'node4']];
    await d.partition(groups, sig());
    await d.partition(groups, sig()); // idempotent
    assert.equal(await connectFrom('fl-node1', '10.251.0.13', 9000, 1500), 'timeout');
    assert.equal(await connectFrom('fl-node4', '10.251.0.12', 9000, 1500), 'timeout');
    assert.equal(await connectFrom('fl-node1', '10.251.0.12', 9000, 1500), 'connected', 'same group still talks');
    assert.equal(await connectFrom('fl-node3', '10.251.0.14', 9000, 1500), 'connected', 'same group still talks');
    assert.equal(await connect('10.251.0.13', 9000, 1500), 'connected', 'the host is in no group');
    await d.heal(groups, sig());
    assert.equal(await connectFrom('fl-node1', '10.251.0.13', 9000, 1500), 'connected');
    assert.ok(!(await netnsTables('fl-node1', sig())).some((t) => t.includes('fl_partition')), 'no empty table left');
    await d.heal(groups, sig()); // idempotent
  });

  it('fillDisk fills a tmpfs drive to the fraction, full makes writes fail, clearFill frees it', async () => {
    const d = h.driver();
    const drive = h.stand().drives!['node2']![1]!;
    const before = await usage(drive);
    const r = await d.fillDisk('node2', 1, 0.9, sig());
    assert.equal(r.file, d.fillPath('node2', 1));
    const filled = await usage(drive);
    assert.ok(filled.used >= 0.9 * filled.size - 4096 && filled.used <= 0.93 * filled.size, `used ${filled.used} of ${filled.size}`);
    // Filling again replaces the filler instead of adding to it. Other suites may write to
    // the cluster meanwhile, so allow a little drift around 90%.
    const again = await d.fillDisk('node2', 1, 0.9, sig());
    const refilled = await usage(drive);
    assert.ok(Math.abs(refilled.used - 0.9 * refilled.size) < 0.03 * refilled.size, `refill to 90% stays near 90%: ${refilled.used}`);
    assert.equal((await stat(again.file)).size, again.bytes);
    await d.fillDisk('node2', 1, 1, sig());
    await assert.rejects(writeFile(`${drive}/probe`, Buffer.alloc(1024 * 1024)), /ENOSPC/);
    await rm(`${drive}/probe`, { force: true });
    await d.clearFill('node2', r.file, sig());
    const after = await usage(drive);
    assert.ok(after.used < before.used + 8 * 1024 * 1024, `freed: ${after.used} vs ${before.used} before`);
    await assert.rejects(d.clearFill('node2', '/etc/passwd', sig()), (e: FaultlineError) => e.code === 'fill-file');
  });

  it('kernel: booting the XR kernel leaves MinIO down with a modprobe error and the network up; the stock kernel brings it back', async () => {
    const d = h.driver();
    assert.equal(await d.bootKernel('node3', sig()), STOCK_KERNEL);
    assert.equal(await d.hasModule('node3', STOCK_KERNEL, 'zfs', sig()), true);
    assert.equal(await d.hasModule('node3', XR_KERNEL, 'zfs', sig()), false);
    assert.equal(await d.hasModule('node3', XR_KERNEL, 'xfs', sig()), true);
    await d.setBootKernel('node3', XR_KERNEL, sig());
    assert.equal(await d.bootKernel('node3', sig()), XR_KERNEL);
    assert.deepEqual(await d.servicePids('node3'), []);
    assert.equal(await connect('10.251.0.13', 9000, 2000), 'refused', 'network up, storage down');
    const log = await readFile(d.layout('node3').log, 'utf8');
    assert.match(log, new RegExp(`modprobe: FATAL: Module zfs not found in directory /lib/modules/${XR_KERNEL.replace(/\./g, '\\.')}`));
    await d.start('node3', sig()); // the service refuses to start on this kernel
    assert.deepEqual(await d.servicePids('node3'), []);
    await d.setBootKernel('node3', STOCK_KERNEL, sig());
    assert.equal((await d.servicePids('node3')).length, 1);
    const back = await waitHttp(live(3), 90_000);
    console.log(`      node3 back on the stock kernel after ${back} ms`);
    await assert.rejects(d.setBootKernel('node3', '9.9.9-nope', sig()), (e: FaultlineError) => e.code === 'kernel-not-installed');
  });

  it('rejects unknown nodes and drives with input errors', async () => {
    const d = h.driver();
    await assert.rejects(d.kill('node9', sig()), (e: FaultlineError) => e.code === 'unknown-node' && e.exitCode === 2);
    await assert.rejects(d.fillDisk('node1', 7, 0.5, sig()), (e: FaultlineError) => e.code === 'unknown-drive');
  });
});
