/**
 * The cluster stand comes up as a real Kubernetes cluster: nodes registered by real
 * kubelets on containerd, each in its own network namespace; four MinIO pods Ready,
 * one per node, each a real process in its node's namespace serving S3.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { stat, statfs } from 'node:fs/promises';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { opts } from '../../../runner/kube/client.js';
import { clusterStand } from '../../../runner/stands/cluster/index.js';
import { layout, NAMESPACE } from '../../../runner/stands/cluster/layout.js';
import { poolOnline } from '../../../runner/stands/cluster/pool.js';
import { cmdline, pidsInNetns } from '../../../runner/core/proc.js';
import { imagesOn } from '../../../runner/stands/cluster/images.js';
import { isPodReady, minioPods, recordingIO, s3Of, useClusterStand } from './helpers.js';

describe('cluster stand: up', function () {
  this.timeout(120_000);
  const h = useClusterStand();

  it('registers 4 nodes through real kubelets (v1.34.4 on containerd 1.6), Ready, each at its namespace address', async () => {
    const nodes = (await h.core().listNode({}, opts(AbortSignal.timeout(20_000)))).items;
    assert.deepEqual(nodes.map((n) => n.metadata?.name).sort(), ['node1', 'node2', 'node3', 'node4']);
    for (const n of nodes) {
      const name = n.metadata!.name!;
      const i = Number(name.slice(4));
      assert.ok(n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'), `${name} Ready`);
      assert.equal(n.status?.nodeInfo?.kubeletVersion, 'v1.34.4');
      assert.match(n.status?.nodeInfo?.containerRuntimeVersion ?? '', /^containerd:\/\/1\.6\./);
      assert.deepEqual(n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, `10.252.0.1${i}`);
      // no kwok annotation: nothing simulates this node
      assert.equal(n.metadata?.annotations?.['kwok.x-k8s.io/node'], undefined);
      const d = await h.driver().daemons(name);
      assert.equal(d.kubelet.length, 1, `${name}: one kubelet in flc-${name}`);
      assert.equal(d.containerd.length, 1, `${name}: one containerd in flc-${name}`);
      const addr = execFileSync('ip', ['-n', `flc-${name}`, '-4', '-o', 'addr', 'show', 'dev', 'eth0']).toString();
      assert.match(addr, new RegExp(`inet 10\\.252\\.0\\.1${i}/24`));
    }
  });

  it('runs the 4 MinIO pods Ready, one per node, each a MinIO process in its node\'s namespace on the node\'s drives', async () => {
    const pods = await minioPods(h.core());
    assert.equal(pods.length, 4);
    assert.deepEqual(pods.map((p) => p.spec?.nodeName).sort(), ['node1', 'node2', 'node3', 'node4']);
    for (const p of pods) {
      const node = p.spec!.nodeName!;
      assert.ok(isPodReady(p), `${p.metadata?.name} Ready`);
      assert.equal(p.status?.podIP, h.driver().node(node).address, 'hostNetwork: the pod has its node\'s address');
      const c = p.status!.containerStatuses!.find((x) => x.name === 'minio')!;
      assert.match(c.containerID ?? '', /^containerd:\/\/[0-9a-f]{64}$/);
      // its four drives are claims bound to its node's local volumes (WaitForFirstConsumer)
      const claims = (p.spec?.volumes ?? []).map((v) => v.persistentVolumeClaim?.claimName).filter(Boolean);
      assert.deepEqual(claims.sort(), [1, 2, 3, 4].map((d) => `d${d}-${p.metadata!.name}`));
      for (const c of claims) {
        const pvc = await h.core().readNamespacedPersistentVolumeClaim({ namespace: NAMESPACE, name: c! }, opts(AbortSignal.timeout(20_000)));
        assert.equal(pvc.status?.phase, 'Bound', c);
        assert.equal(pvc.spec?.volumeName, `flc-${node}-${c!.split('-')[0]}`, `${c} is the same drive of ${node}`);
      }
      const pids = await h.driver().storagePids(node);
      assert.equal(pids.length, 1, `${node}: one MinIO process`);
      const argv = await cmdline(pids[0]!);
      assert.ok(argv.includes(`http://${h.driver().node(node).address}:9000/data/d1`), 'it serves the erasure set');
      assert.ok((await pidsInNetns(`flc-${node}`)).includes(pids[0]!));
    }
    for (const n of layout().nodes) {
      for (const d of n.drives) {
        const s = await statfs(d);
        assert.equal(s.blocks * s.bsize, 1024 ** 3, `${d} is a 1 GiB tmpfs`);
      }
      // MinIO formatted the node's drives through the pod's claims (the pool's bind mounts)
      assert.equal(await poolOnline(n), true, `${n.name}: storage pool imported`);
      assert.ok(await stat(`${n.drives[0]}/.minio.sys/format.json`).then(() => true, () => false), `${n.name}: drive formatted by MinIO`);
      assert.deepEqual((await imagesOn(n, AbortSignal.timeout(20_000))).filter((r) => r.startsWith('faultline.local/')).length, 3);
    }
  });

  it('serves S3 with the credentials from the 0600 file, and refuses without them', async () => {
    const stand = h.stand();
    const mode = (await stat(layout().credentialsFile)).mode & 0o777;
    assert.equal(mode, 0o600);
    const s3 = s3Of(stand);
    const Bucket = `flc-up-${Date.now()}`;
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'in a pod' }));
    const body = await (await s3.send(new GetObjectCommand({ Bucket, Key: 'k' }))).Body!.transformToString();
    assert.equal(body, 'in a pod');
    const wrong = new S3Client({ endpoint: stand.s3!.endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: 'nobody', secretAccessKey: 'wrong-secret-123' } });
    await assert.rejects(wrong.send(new ListBucketsCommand({})), (e: { name: string }) => e.name === 'InvalidAccessKeyId');
  });

  it('status shows nodes with kubelet and runtime pids, pods per node, drives and S3 health; never the secret', async () => {
    const st = await clusterStand.status('cluster', recordingIO(60_000));
    assert.equal(st.up, true);
    const text = st.lines.join('\n');
    for (let i = 1; i <= 4; i++) assert.match(text, new RegExp(`node${i} 10\\.252\\.0\\.1${i} Ready  power on  kubelet pid \\d+  containerd pid \\d+`));
    assert.equal((text.match(/pod faultline\/minio-\d Ready/g) ?? []).length, 4);
    assert.equal((text.match(/drive .*\/d\d .* used/g) ?? []).length, 16);
    assert.equal((text.match(/ pool online/g) ?? []).length, 4);
    assert.match(text, /S3 cluster health: HTTP 200/);
    assert.ok(!text.includes(h.stand().s3!.credentials!.secretAccessKey));
  });
});
