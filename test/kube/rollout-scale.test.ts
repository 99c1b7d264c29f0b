/** rollout.restart and scale on the real kwok control plane. */
import assert from 'node:assert/strict';
import { opts } from '../../runner/kube/client.js';
import { RESTARTED_AT } from '../../runner/faults/rollout-restart.js';
import { createNamespace, daemonSet, deleteNamespace, deployment, freshStand, isReady, listPods, makeContext, openKwok, statefulSet } from './harness.js';
import type { Kwok } from './harness.js';
import { defaultCatalog } from '../../runner/catalog.js';

const { faults, probes } = defaultCatalog();

const restart = faults.get('rollout.restart')!;
const scale = faults.get('scale')!;
const workloadReady = probes.get('k8s.workloadReady')!;

describe('rollout.restart / scale (kwok stand)', function () {
  this.timeout(180_000);
  let k: Kwok;
  let ns: string;
  const s = () => AbortSignal.timeout(20_000);

  before(async () => {
    k = await openKwok();
    ns = await createNamespace(k, 'fl-rollout');
    await k.apps.createNamespacedDeployment({ namespace: ns, body: deployment('api', 2) }, opts(s()));
    await k.apps.createNamespacedStatefulSet({ namespace: ns, body: statefulSet('db', 2) }, opts(s()));
    await k.apps.createNamespacedDaemonSet({ namespace: ns, body: daemonSet('agent') }, opts(s()));
    const ctx = makeContext(k.stand, AbortSignal.timeout(60_000));
    for (const [kind, name] of [['Deployment', 'api'], ['StatefulSet', 'db'], ['DaemonSet', 'agent']] as const) {
      await workloadReady.waitUntil!({ kind, namespace: ns, name }, ctx);
    }
  });
  after(async () => deleteNamespace(k, ns));

  for (const [kind, name, selector] of [
    ['Deployment', 'api', 'app=api'],
    ['StatefulSet', 'db', 'app=db'],
    ['DaemonSet', 'agent', 'app=agent'],
  ] as const) {
    it(`restarts a ${kind}: the template annotation changes, every pod is replaced, it returns to ready`, async () => {
      const before = await listPods(k, ns, selector);
      const ctx = makeContext(k.stand, AbortSignal.timeout(90_000));
      const spec = { kind, namespace: ns, name };
      const undo = await restart.prepare(spec, ctx);
      const d = (await restart.inject(spec, undo, ctx)) as { restartedAt: string; generation: number };
      assert.ok(d.generation > (undo.generation as number), 'generation moved on');
      const read =
        kind === 'Deployment'
          ? await k.apps.readNamespacedDeployment({ namespace: ns, name }, opts(s()))
          : kind === 'StatefulSet'
            ? await k.apps.readNamespacedStatefulSet({ namespace: ns, name }, opts(s()))
            : await k.apps.readNamespacedDaemonSet({ namespace: ns, name }, opts(s()));
      assert.equal(read.spec?.template.metadata?.annotations?.[RESTARTED_AT], d.restartedAt);
      const gate = await workloadReady.waitUntil!(spec, ctx);
      assert.equal(gate.ok, true, gate.value);
      const after = (await listPods(k, ns, selector)).filter((p) => !p.metadata?.deletionTimestamp);
      const oldUids = new Set(before.map((p) => p.metadata!.uid));
      assert.equal(after.length, before.length);
      assert.ok(after.every((p) => isReady(p) && !oldUids.has(p.metadata!.uid)), 'every pod replaced and ready');
      await restart.revert(undo, ctx);
    });
  }

  it('refuses to restart a paused Deployment', async () => {
    await k.apps.createNamespacedDeployment({ namespace: ns, body: { ...deployment('held', 1), spec: { ...deployment('held', 1).spec!, paused: true } } }, opts(s()));
    const ctx = makeContext(k.stand, AbortSignal.timeout(10_000));
    await assert.rejects(restart.prepare({ kind: 'Deployment', namespace: ns, name: 'held' }, ctx), /paused/);
  });

  it('workloadReady is not ok for a rollout that cannot finish, and says what is missing', async () => {
    const stuck = deployment('stuck', 1);
    stuck.spec!.template.spec!.nodeSelector = { 'kubernetes.io/hostname': 'no-such-node' };
    await k.apps.createNamespacedDeployment({ namespace: ns, body: stuck }, opts(s()));
    const ctx = makeContext(k.stand, AbortSignal.timeout(3_000));
    const o = await workloadReady.evaluate({ kind: 'Deployment', namespace: ns, name: 'stuck' }, ctx);
    assert.equal(o.ok, false);
    assert.match(o.value, /0\/1 ready/);
    await assert.rejects(workloadReady.waitUntil!({ kind: 'Deployment', namespace: ns, name: 'stuck' }, ctx), (e: Error) => e.name === 'TimeoutError');
  });

  for (const [kind, name] of [
    ['Deployment', 'api'],
    ['StatefulSet', 'db'],
  ] as const) {
    it(`scales a ${kind} and a fresh process's revert restores the previous replicas`, async () => {
      const ctx = makeContext(k.stand, AbortSignal.timeout(90_000));
      const spec = { kind, namespace: ns, name, replicas: 4 };
      const undo = await scale.prepare(spec, ctx);
      assert.equal(undo.replicas, 2);
      assert.deepEqual(await scale.inject(spec, undo, ctx), { from: 2, to: 4 });
      const up = await workloadReady.waitUntil!({ kind, namespace: ns, name }, ctx);
      assert.equal(up.data?.ready, 4);
      assert.equal((await listPods(k, ns, `app=${name}`)).filter(isReady).length, 4);
      // as `faultline recover` would: the journaled JSON and a new client
      const fresh = makeContext(freshStand(k.stand), AbortSignal.timeout(90_000));
      await scale.revert(JSON.parse(JSON.stringify(undo)), fresh);
      await scale.revert(JSON.parse(JSON.stringify(undo)), fresh); // idempotent
      const down = await workloadReady.waitUntil!({ kind, namespace: ns, name }, fresh);
      assert.equal(down.data?.desired, 2);
      assert.equal(down.data?.ready, 2);
    });
  }
});
