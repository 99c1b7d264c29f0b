/** node.cordon and node.drain on the real kwok control plane (real Eviction API and PDBs). */
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { opts } from '../../runner/kube/client.js';
import { FaultlineError } from '../../runner/core/errors.js';
import { createNamespace, daemonSet, deleteNamespace, deployment, freshStand, isReady, listPods, makeContext, openKwok } from './harness.js';
import type { Kwok } from './harness.js';
import { defaultCatalog } from '../../runner/catalog.js';

const { faults, probes } = defaultCatalog();

const cordon = faults.get('node.cordon')!;
const drain = faults.get('node.drain')!;
const workloadReady = probes.get('k8s.workloadReady')!;
const podsReady = probes.get('k8s.podsReady')!;
const jsonPath = probes.get('k8s.jsonPath')!;

describe('node.cordon / node.drain (kwok stand)', function () {
  this.timeout(180_000);
  let k: Kwok;
  let ns: string;
  const s = () => AbortSignal.timeout(20_000);
  const unschedulable = async (node: string) => (await k.core.readNode({ name: node }, opts(s()))).spec?.unschedulable === true;
  const nodeOf = (p: V1Pod) => p.spec?.nodeName;

  before(async () => {
    k = await openKwok();
    ns = await createNamespace(k, 'fl-drain');
    await k.apps.createNamespacedDaemonSet({ namespace: ns, body: daemonSet('agent') }, opts(s()));
    await k.apps.createNamespacedDeployment({ namespace: ns, body: deployment('spread', 4) }, opts(s()));
    const ctx = makeContext(k.stand, AbortSignal.timeout(60_000));
    await workloadReady.waitUntil!({ kind: 'DaemonSet', namespace: ns, name: 'agent' }, ctx);
    await workloadReady.waitUntil!({ kind: 'Deployment', namespace: ns, name: 'spread' }, ctx);
  });
  after(async () => {
    for (const n of k ? ['node1', 'node2', 'node3', 'node4'] : []) {
      await k.core.patchNode({ name: n, body: { spec: { unschedulable: false } } }, opts(s(), { patch: 'merge' })).catch(() => undefined);
    }
    await deleteNamespace(k, ns);
  });

  it('cordons a node; revert uncordons, twice without harm; a node cordoned before stays cordoned', async () => {
    const ctx = makeContext(k.stand);
    const undo = await cordon.prepare({ node: 'node3' }, ctx);
    assert.deepEqual(undo, { node: 'node3', wasUnschedulable: false });
    await cordon.inject({ node: 'node3' }, undo, ctx);
    assert.equal(await unschedulable('node3'), true);
    // a second cordon fault on the already-cordoned node must not uncordon it on revert
    const inner = await cordon.prepare({ node: 'node3' }, ctx);
    assert.equal(inner.wasUnschedulable, true);
    await cordon.revert(inner, ctx);
    assert.equal(await unschedulable('node3'), true);
    await cordon.revert(undo, ctx);
    await cordon.revert(undo, ctx);
    assert.equal(await unschedulable('node3'), false);
  });

  it('drains a node: evicts its pods (skipping DaemonSet pods), replacements run elsewhere; revert uncordons', async () => {
    const pods = await listPods(k, ns, 'app=spread');
    const node = nodeOf(pods.find((p) => nodeOf(p))!)!;
    const onNode = pods.filter((p) => nodeOf(p) === node).map((p) => p.metadata!.name!);
    const ctx = makeContext(k.stand, AbortSignal.timeout(90_000));
    const spec = { node, timeout: '60s' };
    const undo = await drain.prepare(spec, ctx);
    const d = (await drain.inject(spec, undo, ctx)) as { evicted: string[]; skipped: string[] };
    for (const name of onNode) assert.ok(d.evicted.includes(`${ns}/${name}`), `${name} evicted`);
    assert.ok(d.skipped.some((x) => x.startsWith(`${ns}/agent-`) && x.endsWith('(DaemonSet)')), 'the DaemonSet pod is skipped');
    assert.equal(await unschedulable(node), true);
    const left = (await listPods(k, ns, 'app=spread')).filter((p) => nodeOf(p) === node);
    assert.equal(left.length, 0, 'no spread pod left on the drained node');
    assert.equal((await listPods(k, ns, 'app=agent')).filter((p) => nodeOf(p) === node).length, 1, 'the DaemonSet pod stays');
    await podsReady.waitUntil!({ namespace: ns, selector: 'app=spread', count: 4 }, ctx);
    assert.ok((await listPods(k, ns, 'app=spread')).filter(isReady).every((p) => nodeOf(p) !== node));
    assert.ok(ctx.events.some((e) => e.type === 'drain.evicted'));
    await drain.revert(undo, ctx);
    assert.equal(await unschedulable(node), false);
  });

  describe('blocked by a PodDisruptionBudget', () => {
    const node = 'node2';
    before(async () => {
      const guarded = deployment('guarded', 1);
      guarded.spec!.template.spec!.nodeSelector = { 'kubernetes.io/hostname': node };
      await k.apps.createNamespacedDeployment({ namespace: ns, body: guarded }, opts(s()));
      await k.policy.createNamespacedPodDisruptionBudget(
        { namespace: ns, body: { metadata: { name: 'guard-pdb' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } } } },
        opts(s()),
      );
      const ctx = makeContext(k.stand, AbortSignal.timeout(60_000));
      await workloadReady.waitUntil!({ kind: 'Deployment', namespace: ns, name: 'guarded' }, ctx);
      // the disruption controller must have counted the healthy pod before evictions are judged
      await jsonPath.waitUntil!({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', namespace: ns, name: 'guard-pdb', path: '{.status.currentHealthy}', equals: 1 }, ctx);
    });

    it('fails at its bound naming the PDB; the pod is untouched; a fresh process uncordons in revert', async () => {
      const before = await listPods(k, ns, 'app=guarded');
      const ctx = makeContext(k.stand, AbortSignal.timeout(60_000));
      const spec = { node, timeout: '3s' };
      const undo = await drain.prepare(spec, ctx);
      const t0 = Date.now();
      const err = await drain.inject(spec, undo, ctx).then(
        () => assert.fail('drain should not finish'),
        (e: unknown) => e,
      );
      const took = Date.now() - t0;
      assert.ok(err instanceof FaultlineError, String(err));
      assert.equal(err.code, 'drain-blocked');
      assert.match(err.message, new RegExp(`PodDisruptionBudget ${ns}/guard-pdb`));
      assert.match(err.message, /within 3\.0 s/);
      assert.ok(took >= 3_000 && took < 8_000, `failed after ${took} ms`);
      assert.ok(ctx.events.some((e) => e.type === 'drain.blocked' && String(e.pod).startsWith(`${ns}/guarded-`)));
      assert.equal(await unschedulable(node), true, 'still cordoned until revert');
      const after = await listPods(k, ns, 'app=guarded');
      assert.deepEqual(after.map((p) => p.metadata!.uid), before.map((p) => p.metadata!.uid), 'the guarded pod was not evicted');
      const fresh = makeContext(freshStand(k.stand));
      await drain.revert(JSON.parse(JSON.stringify(undo)), fresh);
      assert.equal(await unschedulable(node), false);
    });

    it('stops at once when the run is interrupted mid-drain, and revert still uncordons', async () => {
      const run = new AbortController();
      const ctx = makeContext(k.stand, run.signal);
      const spec = { node, timeout: '60s' };
      const undo = await drain.prepare(spec, ctx);
      const pending = drain.inject(spec, undo, ctx);
      setTimeout(() => run.abort(new Error('SIGINT')), 1_000);
      const t0 = Date.now();
      await assert.rejects(pending, /SIGINT/);
      assert.ok(Date.now() - t0 < 3_000);
      assert.equal(await unschedulable(node), true);
      await drain.revert(undo, makeContext(k.stand));
      assert.equal(await unschedulable(node), false);
    });
  });
});
