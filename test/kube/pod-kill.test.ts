/** pod.kill and pods.killAll on the real kwok control plane. */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { chooseSeeded } from '../../runner/kube/choose.js';
import { opts } from '../../runner/kube/client.js';
import { createNamespace, deleteNamespace, deployment, isReady, labelNode, listPods, makeContext, openKwok, referenceWatch, statefulSet } from './harness.js';
import type { Kwok } from './harness.js';
import { defaultCatalog } from '../../runner/catalog.js';

const { faults, probes } = defaultCatalog();

const podKill = faults.get('pod.kill')!;
const killAll = faults.get('pods.killAll')!;
const podsReady = probes.get('k8s.podsReady')!;
const workloadReady = probes.get('k8s.workloadReady')!;

describe('pod.kill / pods.killAll (kwok stand)', function () {
  this.timeout(120_000);
  let k: Kwok;
  let ns: string;

  before(async () => {
    k = await openKwok();
    ns = await createNamespace(k, 'fl-kill');
    const s = AbortSignal.timeout(20_000);
    await k.apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', 3) }, opts(s));
    await k.apps.createNamespacedStatefulSet({ namespace: ns, body: statefulSet('mesh', 3) }, opts(s));
    const ctx = makeContext(k.stand, AbortSignal.timeout(60_000));
    await workloadReady.waitUntil!({ kind: 'Deployment', namespace: ns, name: 'web' }, ctx);
    await workloadReady.waitUntil!({ kind: 'StatefulSet', namespace: ns, name: 'mesh' }, ctx);
  });
  after(async () => deleteNamespace(k, ns));

  it('kills a seeded choice of pods and records it; the same seed picks the same pods', async () => {
    const before = (await listPods(k, ns, 'app=web')).filter(isReady);
    const ctx = makeContext(k.stand, AbortSignal.timeout(30_000), 7);
    const spec = { namespace: ns, selector: { app: 'web' }, count: 2 };
    const undo = await podKill.prepare(spec, ctx);
    const details = (await podKill.inject(spec, undo, ctx)) as { pods: string[]; uids: string[]; seed: number; candidates: number };
    const expected = chooseSeeded(before, 2, 7, (p) => p.metadata!.name!).map((p) => p.metadata!.name!);
    assert.deepEqual(details.pods, expected);
    assert.equal(details.seed, 7);
    assert.equal(details.candidates, 3);
    const after = await listPods(k, ns, 'app=web');
    for (const uid of details.uids) assert.ok(!after.some((p) => p.metadata?.uid === uid), `pod ${uid} still exists`);
    assert.ok(ctx.events.some((e) => e.type === 'pod.kill'));
    await podKill.revert(undo, ctx); // nothing to restore, must not throw
    await podsReady.waitUntil!({ namespace: ns, selector: 'app=web', count: 3 }, makeContext(k.stand, AbortSignal.timeout(30_000)));
  });

  describe('recorded time', () => {
    // Pods of 'pinned' only fit a node carrying the pool label. Taking the label away
    // before the kill keeps the replacement Pending, so the gate starts while the
    // condition is false; putting it back lets the scheduler place the pod, and kwok
    // turns it Ready a moment later: a transition the gate has to catch as it happens.
    const pool = 'faultline.dev/test-pool';
    before(async () => {
      await labelNode(k, 'node1', pool, ns);
      const pinned = deployment('pinned', 3);
      pinned.spec!.template.spec!.nodeSelector = { [pool]: ns };
      await k.apps.createNamespacedDeployment({ namespace: ns, body: pinned }, opts(AbortSignal.timeout(20_000)));
      await workloadReady.waitUntil!({ kind: 'Deployment', namespace: ns, name: 'pinned' }, makeContext(k.stand, AbortSignal.timeout(60_000)));
    });
    after(async () => {
      if (k) await labelNode(k, 'node1', pool, null);
    });

    it('a killed pod is recreated and the gate records the transition within 100 ms of the watch event', async () => {
      const kc = k.stand.kube!.kc;
      const oldUids = new Set((await listPods(k, ns, 'app=pinned')).map((p) => p.metadata!.uid));
      const ref = await referenceWatch(kc, `/api/v1/namespaces/${ns}/pods`, { labelSelector: 'app=pinned' });
      try {
        await labelNode(k, 'node1', pool, null);
        const ctx = makeContext(k.stand, AbortSignal.timeout(60_000), 1);
        const spec = { namespace: ns, selector: 'app=pinned', count: 1, gracePeriod: 0 };
        await podKill.inject(spec, await podKill.prepare(spec, ctx), ctx);
        const gate = podsReady.waitUntil!({ namespace: ns, selector: 'app=pinned', count: 3 }, ctx);
        await delay(500);
        const pending = (await listPods(k, ns, 'app=pinned')).filter((p) => !oldUids.has(p.metadata!.uid));
        assert.equal(pending.length, 1, 'the replacement exists');
        assert.equal(isReady(pending[0]!), false, 'and is not Ready yet');
        await labelNode(k, 'node1', pool, ns);
        const r = await gate;
        await delay(200);
        const becameReady = ref.events.find((e) => !oldUids.has(e.obj.metadata.uid) && isReady(e.obj));
        assert.ok(becameReady, 'the reference watch saw the replacement pod become Ready');
        assert.equal(r.ok, true);
        assert.equal(r.data?.via, 'event', 'the gate saw the transition happen');
        const diff = r.at - becameReady.at;
        assert.ok(Math.abs(diff) < 100, `gate at ${r.at}, watch event at ${becameReady.at} (diff ${diff} ms)`);
        const cond = (becameReady.obj.status.conditions as { type: string; lastTransitionTime: string }[]).find((c) => c.type === 'Ready')!;
        // the object's own timestamp has one-second precision
        assert.ok(Math.abs(r.at - Date.parse(cond.lastTransitionTime)) < 1_500);
      } finally {
        ref.stop();
        await labelNode(k, 'node1', pool, ns);
      }
    });
  });

  it('percent picks that share of the pods, at least one', async () => {
    const ctx = makeContext(k.stand, AbortSignal.timeout(30_000), 3);
    const spec = { namespace: ns, selector: 'app=web', percent: '50%' };
    const d = (await podKill.inject(spec, await podKill.prepare(spec, ctx), ctx)) as { pods: string[] };
    assert.equal(d.pods.length, 2); // ceil(3 * 0.5)
    const all = await podsReady.waitUntil!({ namespace: ns, selector: 'app=web', all: true }, ctx);
    assert.ok(all.ok);
    assert.equal(all.data?.ready, all.data?.pods);
    await podsReady.waitUntil!({ namespace: ns, selector: 'app=web', count: 3 }, ctx);
  });

  it('fails clearly when nothing matches', async () => {
    const ctx = makeContext(k.stand, AbortSignal.timeout(10_000));
    const spec = { namespace: ns, selector: 'app=nothing', count: 1 };
    await assert.rejects(podKill.inject(spec, await podKill.prepare(spec, ctx), ctx), /no running pods match app=nothing/);
  });

  it('pods.killAll deletes every replica of a StatefulSet at once and they converge back to N/N ready', async () => {
    const before = await listPods(k, ns, 'app=mesh');
    assert.equal(before.length, 3);
    const ctx = makeContext(k.stand, AbortSignal.timeout(60_000));
    const spec = { namespace: ns, workload: { kind: 'StatefulSet', name: 'mesh' } };
    const undo = await killAll.prepare(spec, ctx);
    assert.equal(undo.selector, 'app=mesh');
    const t0 = Date.now();
    const d = (await killAll.inject(spec, undo, ctx)) as { pods: string[] };
    assert.deepEqual([...d.pods].sort(), before.map((p) => p.metadata!.name!).sort());
    const gate = await podsReady.waitUntil!({ namespace: ns, selector: { app: 'mesh' }, count: 3 }, ctx);
    const ready = await workloadReady.waitUntil!({ kind: 'StatefulSet', namespace: ns, name: 'mesh' }, ctx);
    assert.ok(ready.ok && gate.ok);
    const after = await listPods(k, ns, 'app=mesh');
    assert.equal(after.filter(isReady).length, 3);
    const oldUids = new Set(before.map((p) => p.metadata!.uid));
    assert.ok(after.every((p) => !oldUids.has(p.metadata!.uid)), 'every replica is a new pod');
    assert.ok(gate.at >= t0);
  });
});
