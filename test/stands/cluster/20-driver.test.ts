/** Every node fault of the cluster stand lands on real kubelets, runtimes and containers, and is undone for real. */
import { strict as assert } from 'node:assert';
import { readFile, stat, statfs } from 'node:fs/promises';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { NODE_GRACE_S } from '../../../runner/stands/cluster/kubelet.js';
import { nodePids } from '../../../runner/stands/cluster/node.js';
import { usage } from '../../../runner/stands/local/drives.js';
import { STOCK_KERNEL, XR_KERNEL } from '../../../runner/stands/local/kernel.js';
import { procState } from '../../../runner/core/proc.js';
import { pollUntil } from '../../../runner/core/abort.js';
import { defaultCatalog } from '../../../runner/catalog.js';
import { NAMESPACE } from '../../../runner/stands/cluster/layout.js';
import { poolOnline } from '../../../runner/stands/cluster/pool.js';
import { makeContext } from '../../kube/harness.js';
import { connect, connectFrom, isPodReady, minioPods, podOn, restartsOf, s3Of, SELECTOR, useClusterStand, waitHttp, waitNode, waitPods } from './helpers.js';

const claimsMounted = defaultCatalog().probes.get('k8s.claimsMounted')!;
const event = defaultCatalog().probes.get('k8s.event')!;

const sig = () => AbortSignal.timeout(180_000);
const live = (i: number) => `http://10.252.0.1${i}:9000/minio/health/live`;

describe('cluster stand: node driver', function () {
  this.timeout(600_000);
  const h = useClusterStand();

  it('powerOff: silence, then every process of the node dies; NotReady within the grace; S3 goes on with 3 of 4; powerOn brings node and pod back', async () => {
    const d = h.driver();
    const stand = h.stand();
    const before = podOn(await minioPods(h.core()), 'node4')!;
    const t0 = Date.now();
    await d.powerOff('node4', sig());
    const offMs = Date.now() - t0;
    assert.deepEqual(await nodePids(d.node('node4')), [], 'kubelet, containerd, shims and containers of node4 are gone');
    assert.deepEqual(await d.daemons('node4'), { containerd: [], kubelet: [] });
    assert.equal(await connect('10.252.0.14', 9000, 2000), 'timeout', 'a powered-off node does not refuse, it is silent');
    assert.equal(await connectFrom('flc-node1', '10.252.0.14', 9000, 2000), 'timeout', 'its peers see silence too');
    const notReadyAt = await waitNode(stand, 'node4', false, (NODE_GRACE_S + 30) * 1000);
    const notReadyMs = notReadyAt - t0;
    assert.ok(notReadyMs >= 5_000, `NotReady after ${notReadyMs} ms: the controller-manager noticed the silence, nobody told it`);
    assert.ok(notReadyMs <= (NODE_GRACE_S + 10) * 1000, `NotReady after ${notReadyMs} ms (grace ${NODE_GRACE_S} s)`);

    const s3 = s3Of(stand);
    const Bucket = `flc-po-${Date.now()}`;
    const t1 = Date.now();
    let served = false;
    for (let i = 0; Date.now() - t1 < 90_000 && !served; i++) {
      try {
        await s3.send(new CreateBucketCommand({ Bucket }), { abortSignal: AbortSignal.timeout(20_000) }).catch((e: Error) => {
          if (e.name !== 'BucketAlreadyOwnedByYou') throw e;
        });
        await s3.send(new PutObjectCommand({ Bucket, Key: `k${i}`, Body: 'three of four' }), { abortSignal: AbortSignal.timeout(20_000) });
        served = (await (await s3.send(new GetObjectCommand({ Bucket, Key: `k${i}` }), { abortSignal: AbortSignal.timeout(20_000) })).Body!.transformToString()) === 'three of four';
      } catch {
        // the cluster is still finding out that node4 is gone
      }
    }
    assert.ok(served, 'S3 kept serving with 3 of 4 nodes');

    const t2 = Date.now();
    await d.powerOn('node4', sig());
    const readyAt = await waitNode(stand, 'node4', true, 120_000);
    await waitPods(stand, 'the MinIO pod on node4 Ready again', 240_000, (pods) => !!podOn(pods, 'node4') && isPodReady(podOn(pods, 'node4')!));
    const back = podOn(await minioPods(h.core()), 'node4')!;
    assert.equal(back.metadata?.uid, before.metadata?.uid, 'the StatefulSet pod stayed bound to its node');
    assert.notEqual(back.status?.containerStatuses?.[0]?.containerID, before.status?.containerStatuses?.[0]?.containerID, 'a new container after the reboot');
    assert.equal((await d.storagePids('node4')).length, 1);
    await waitHttp(live(4), 60_000);
    console.log(`      powerOff ${offMs} ms; NotReady after ${(notReadyMs / 1000).toFixed(1)} s (grace ${NODE_GRACE_S} s); powerOn -> Ready ${((readyAt - t2) / 1000).toFixed(1)} s, pod Ready ${((Date.now() - t2) / 1000).toFixed(1)} s`);
    await d.powerOn('node4', sig()); // idempotent
  });

  it('kill: the MinIO process dies and the kubelet restarts the container (restartCount + 1)', async () => {
    const d = h.driver();
    const r0 = restartsOf(podOn(await minioPods(h.core()), 'node2'));
    const [pid] = await d.storagePids('node2');
    await d.kill('node2', sig());
    assert.equal(await procState(pid!).then((s) => s === undefined || s === 'Z'), true, 'the old MinIO is dead');
    const t = Date.now();
    await waitPods(h.stand(), 'the MinIO container on node2 restarted and Ready', 180_000, (pods) => {
      const p = podOn(pods, 'node2');
      return !!p && restartsOf(p) === r0 + 1 && isPodReady(p);
    });
    const [again] = await d.storagePids('node2');
    assert.ok(again && again !== pid, 'a new MinIO process');
    console.log(`      kill -> container restarted and Ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    await d.start('node2', sig()); // the undo: already running, returns
  });

  it('pause: MinIO stops answering (SIGSTOP) without dying; resume: it answers again', async () => {
    const d = h.driver();
    const pids = await d.storagePids('node3');
    await d.pause('node3', sig());
    for (const pid of pids) assert.equal(await procState(pid), 'T');
    const r = await fetch(live(3), { signal: AbortSignal.timeout(2000) }).then((x) => x.status, (e: Error) => e.name);
    assert.equal(r, 'TimeoutError');
    await d.resume('node3', sig());
    assert.ok((await waitHttp(live(3), 10_000)) < 10_000);
    assert.deepEqual(await d.storagePids('node3'), pids, 'the same process');
  });

  it('partition: node1 and node2 cannot reach each other; heal restores it', async () => {
    const d = h.driver();
    await d.partition([['node1'], ['node2', 'node3', 'node4']], sig());
    assert.equal(await connectFrom('flc-node1', '10.252.0.12', 9000, 2000), 'timeout');
    assert.equal(await connectFrom('flc-node2', '10.252.0.11', 9000, 2000), 'timeout');
    assert.equal(await connectFrom('flc-node2', '10.252.0.13', 9000, 2000), 'connected', 'within a group traffic flows');
    await d.heal([['node1'], ['node2', 'node3', 'node4']], sig());
    assert.equal(await connectFrom('flc-node1', '10.252.0.12', 9000, 2000), 'connected');
  });

  it('fillDisk: the drive the MinIO pod writes to really fills; clearFill empties it', async () => {
    const d = h.driver();
    const [pid] = await d.storagePids('node1');
    const { file, bytes } = await d.fillDisk('node1', 0, 0.9, sig());
    assert.equal(file, d.fillPath('node1', 0));
    assert.ok(bytes > 0);
    const u = await usage(h.stand().drives!.node1![0]!);
    assert.ok(u.used / u.size >= 0.89, `${u.used}/${u.size}`);
    // seen from inside the container: its /data/d1 is that drive
    const inPod = await statfs(`/proc/${pid}/root/data/d1`);
    assert.ok((inPod.blocks - inPod.bfree) / inPod.blocks >= 0.89, 'the pod sees the drive full');
    assert.ok(await stat(`/proc/${pid}/root/data/d1/.faultline-fill`).then(() => true));
    await d.clearFill('node1', file, sig());
    const after = await statfs(`/proc/${pid}/root/data/d1`);
    assert.ok((after.blocks - after.bfree) / after.blocks < 0.5);
  });

  it('setBootKernel: a kernel without zfs reboots the node and its storage pod cannot start; the stock kernel brings it back', async () => {
    const d = h.driver();
    const stand = h.stand();
    assert.equal(await d.hasModule('node2', XR_KERNEL, 'zfs', sig()), false);
    assert.equal(await d.hasModule('node2', STOCK_KERNEL, 'zfs', sig()), true);
    await d.setBootKernel('node2', XR_KERNEL, sig());
    assert.equal(await d.bootKernel('node2', sig()), XR_KERNEL);
    await waitNode(stand, 'node2', true, 120_000);
    // the init did not import the pool: the local volumes' paths are gone, so the claims cannot mount
    assert.equal(await poolOnline(d.node('node2')), false);
    assert.equal(await stat(d.node('node2').datasets[0]!).then(() => true, () => false), false, 'no pool path on node2');
    assert.match(await readFile(d.node('node2').log, 'utf8'), /pool not imported \(modprobe: FATAL: Module zfs not found/);
    const plane = { namespace: NAMESPACE, selector: SELECTOR, count: 16 };
    const ctx = makeContext(stand, sig());
    // the restarted kubelet reports the pod's dead sandbox a moment after it registers
    const down = await pollUntil('the PVC plane gate to see node2 down', 120_000, sig(), async () => {
      const o = await claimsMounted.evaluate(plane, ctx);
      return o.ok ? undefined : o;
    }, 500);
    assert.match(down.value, /^12\/16 claims mounted; not mounted: minio-\d on node2 \(4 claims; minio: \w+\)$/);
    const pod = podOn(await minioPods(h.core()), 'node2')!.metadata!.name!;
    const failedMount = await event.waitUntil!({ namespace: NAMESPACE, reason: 'FailedMount', involvedObject: { kind: 'Pod', name: pod }, within: '2m' }, makeContext(stand, AbortSignal.timeout(120_000)));
    assert.ok(failedMount.ok, failedMount.value);
    assert.deepEqual(await d.storagePids('node2'), [], 'no MinIO on node2');
    assert.equal(await connect('10.252.0.12', 9000, 2000), 'refused', 'the node is up, its storage is not');
    await d.setBootKernel('node2', STOCK_KERNEL, sig());
    const back = await claimsMounted.waitUntil!(plane, makeContext(stand, AbortSignal.timeout(240_000)));
    assert.equal(back.value, '16/16 claims mounted');
    await waitPods(stand, 'the MinIO pod on node2 Ready on the stock kernel', 240_000, (pods) => !!podOn(pods, 'node2') && isPodReady(podOn(pods, 'node2')!));
    assert.equal((await d.storagePids('node2')).length, 1);
  });
});
