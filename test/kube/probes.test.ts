/** The Kubernetes probes on the real kwok control plane: evaluate and watch-based waitUntil. */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { opts } from '../../runner/kube/client.js';
import { createNamespace, deleteNamespace, deployment, listPods, makeContext, openKwok } from './harness.js';
import type { Kwok } from './harness.js';
import { defaultCatalog } from '../../runner/catalog.js';

const { probes } = defaultCatalog();

const get = (kind: string) => probes.get(kind)!;

describe('Kubernetes probes (kwok stand)', function () {
  this.timeout(180_000);
  let k: Kwok;
  let ns: string;
  const s = () => AbortSignal.timeout(20_000);
  const pvName = `fl-test-pv-${process.pid}`;

  before(async () => {
    k = await openKwok();
    ns = await createNamespace(k, 'fl-probes');
    await k.apps.createNamespacedDeployment({ namespace: ns, body: deployment('one', 2) }, opts(s()));
    await get('k8s.workloadReady').waitUntil!({ kind: 'Deployment', namespace: ns, name: 'one' }, makeContext(k.stand, AbortSignal.timeout(60_000)));
  });
  after(async () => {
    await k?.core.deletePersistentVolume({ name: pvName }, opts(s())).catch(() => undefined);
    await deleteNamespace(k, ns);
  });

  describe('k8s.podRestarts', () => {
    it('passes at or below max, fails above it naming the pod, and the wait sees the count drop', async () => {
      const probe = get('k8s.podRestarts');
      const ctx = makeContext(k.stand, AbortSignal.timeout(30_000));
      assert.equal((await probe.evaluate({ namespace: ns, selector: 'app=one', max: 0 }, ctx)).ok, true);
      const pod = (await listPods(k, ns, 'app=one'))[0]!;
      const setRestarts = (n: number) =>
        k.core.patchNamespacedPodStatus(
          { namespace: ns, name: pod.metadata!.name!, body: { status: { containerStatuses: [{ name: 'main', restartCount: n }] } } },
          opts(s(), { patch: 'strategic' }),
        );
      await setRestarts(3);
      const over = await probe.evaluate({ namespace: ns, selector: 'app=one', max: 2 }, ctx);
      assert.equal(over.ok, false);
      assert.match(over.value, new RegExp(`${pod.metadata!.name}=3`));
      assert.equal((await probe.evaluate({ namespace: ns, selector: 'app=one', max: 3 }, ctx)).ok, true);
      const waiting = probe.waitUntil!({ namespace: ns, selector: 'app=one', max: 0 }, ctx);
      await delay(500);
      const t0 = Date.now();
      await setRestarts(0);
      const r = await waiting;
      assert.equal(r.data?.via, 'event');
      assert.ok(r.at >= t0 && r.at - t0 < 1_000);
    });
  });

  describe('k8s.pvcBound', () => {
    it('is Pending until a matching volume appears, then the wait resolves when it binds', async () => {
      const probe = get('k8s.pvcBound');
      const ctx = makeContext(k.stand, AbortSignal.timeout(60_000));
      await k.core.createNamespacedPersistentVolumeClaim(
        {
          namespace: ns,
          body: {
            metadata: { name: 'data' },
            spec: { storageClassName: 'fl-manual', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        },
        opts(s()),
      );
      const before = await probe.evaluate({ namespace: ns, name: 'data' }, ctx);
      assert.equal(before.ok, false);
      assert.match(before.value, /Pending/);
      const waiting = probe.waitUntil!({ namespace: ns, name: 'data' }, ctx);
      await k.core.createPersistentVolume(
        {
          body: {
            metadata: { name: pvName },
            spec: {
              storageClassName: 'fl-manual',
              capacity: { storage: '1Gi' },
              accessModes: ['ReadWriteOnce'],
              hostPath: { path: '/tmp/fl-test-pv' },
              claimRef: { namespace: ns, name: 'data' },
            },
          },
        },
        opts(s()),
      );
      const r = await waiting;
      assert.equal(r.ok, true);
      assert.equal(r.value, `Bound to ${pvName}`);
      assert.equal(r.data?.via, 'event');
      assert.equal((await probe.evaluate({ namespace: ns, name: 'missing' }, ctx)).ok, false);
    });
  });

  describe('k8s.event', () => {
    it('finds an event by reason and involved object, and not one that never happened', async () => {
      const probe = get('k8s.event');
      const ctx = makeContext(k.stand, AbortSignal.timeout(30_000));
      const spec = { namespace: ns, reason: 'ScalingReplicaSet', involvedObject: { kind: 'Deployment', name: 'one' } };
      const r = await probe.waitUntil!(spec, ctx);
      assert.equal(r.ok, true);
      assert.match(r.value, /Deployment one/);
      assert.equal((await probe.evaluate({ ...spec, within: '1h' }, ctx)).ok, true);
      assert.equal((await probe.evaluate({ ...spec, involvedObject: { kind: 'Deployment', name: 'other' } }, ctx)).ok, false);
      assert.equal((await probe.evaluate({ namespace: ns, reason: 'NoSuchReason' }, ctx)).ok, false);
    });

    it('waits for an event that happens later (a scale-up)', async () => {
      const probe = get('k8s.event');
      const ctx = makeContext(k.stand, AbortSignal.timeout(30_000));
      await k.apps.createNamespacedDeployment({ namespace: ns, body: deployment('later', 0) }, opts(s()));
      const spec = { namespace: ns, reason: 'ScalingReplicaSet', involvedObject: { kind: 'Deployment', name: 'later' } };
      await delay(1_000); // the controller has seen the Deployment (0 replicas: no scaling event)
      assert.equal((await probe.evaluate(spec, ctx)).ok, false);
      const waiting = probe.waitUntil!({ ...spec, within: '30s' }, ctx);
      await delay(300);
      await k.apps.patchNamespacedDeploymentScale({ namespace: ns, name: 'later', body: { spec: { replicas: 1 } } }, opts(s(), { patch: 'merge' }));
      const r = await waiting;
      assert.equal(r.data?.via, 'event');
      assert.match(r.value, /from 0 to 1|to 1/);
      assert.equal(r.ok, true);
    });
  });

  describe('k8s.jsonPath', () => {
    it('reads any field by kubectl-style or $-style path, with equals, min/max and count', async () => {
      const probe = get('k8s.jsonPath');
      const ctx = makeContext(k.stand, AbortSignal.timeout(30_000));
      const dep = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'one' };
      assert.equal((await probe.evaluate({ ...dep, path: '{.status.readyReplicas}', equals: 2 }, ctx)).ok, true);
      assert.equal((await probe.evaluate({ ...dep, path: '$.status.readyReplicas', equals: 3 }, ctx)).ok, false);
      assert.equal((await probe.evaluate({ ...dep, path: '.status.readyReplicas', min: 2, max: 2 }, ctx)).ok, true);
      assert.equal((await probe.evaluate({ ...dep, path: '.status.readyReplicas', min: 3 }, ctx)).ok, false);
      const avail = await probe.evaluate({ ...dep, path: '{.status.conditions[?(@.type=="Available")].status}', equals: 'True' }, ctx);
      assert.equal(avail.ok, true, avail.value);
      assert.equal((await probe.evaluate({ ...dep, path: '.status.conditions[?(@.status=="True")]', count: true, min: 2 }, ctx)).ok, true);
      assert.equal((await probe.evaluate({ ...dep, path: '.status.noSuchField' }, ctx)).ok, false);
      assert.match((await probe.evaluate({ ...dep, name: 'ghost', path: '.spec' }, ctx)).value, /not found/);
    });

    it('discovers kinds it does not know (a node Lease) and waits for a field to change', async () => {
      const probe = get('k8s.jsonPath');
      const ctx = makeContext(k.stand, AbortSignal.timeout(30_000));
      const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'kube-node-lease', name: 'node1', path: '{.spec.leaseDurationSeconds}', min: 1 };
      const held = await probe.evaluate(lease, ctx);
      assert.equal(held.ok, true, held.value);
      assert.equal((await probe.evaluate({ ...lease, name: 'no-such-node' }, ctx)).ok, false);
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'gate', path: '.data.state', equals: 'open' };
      await k.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'gate' }, data: { state: 'shut' } } }, opts(s()));
      const waiting = probe.waitUntil!(cm, ctx);
      await delay(300);
      await k.core.patchNamespacedConfigMap({ namespace: ns, name: 'gate', body: { data: { state: 'open' } } }, opts(s(), { patch: 'merge' }));
      const r = await waiting;
      assert.equal(r.data?.via, 'event');
      assert.equal(r.data?.value, 'open');
    });
  });
  // last: on the kwok stand, pods on a node that was powered off stay NotReady after power-on
  describe('k8s.nodeReady', () => {
    it('follows a node through power-off (NotReady) and power-on (Ready) at the condition change', async function () {
      const probe = get('k8s.nodeReady');
      const nodes = k.stand.nodes!;
      const ctx = makeContext(k.stand, AbortSignal.timeout(150_000));
      assert.equal((await probe.evaluate({ node: 'node4' }, ctx)).ok, true);
      assert.equal((await probe.evaluate({ node: 'node4', ready: false }, ctx)).ok, false);
      assert.match((await probe.evaluate({ node: 'nope' }, ctx)).value, /not found/);
      try {
        await nodes.powerOff!('node4', ctx.signal);
        const down = await probe.waitUntil!({ node: 'node4', ready: false }, ctx);
        assert.equal(down.data?.via, 'event');
        const since = Date.parse(String(down.data?.since));
        // the condition's own timestamp has one-second precision
        assert.ok(Math.abs(down.at - since) < 1_500, `recorded ${down.at}, condition changed at ${since}`);
      } finally {
        await nodes.powerOn!('node4', AbortSignal.timeout(20_000));
      }
      const up = await probe.waitUntil!({ node: 'node4' }, ctx);
      assert.equal(up.ok, true);
    });
  });
});
