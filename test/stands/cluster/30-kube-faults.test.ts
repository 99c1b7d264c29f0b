/**
 * The Kubernetes faults and probes the kwok suites use, unchanged, against real pods:
 * a killed MinIO pod's replacement has to start a real server and pass its real
 * readiness probe; a drain evicts a real pod through the PDB and it cannot come back
 * until the node is uncordoned.
 */
import { strict as assert } from 'node:assert';
import { APP_LABEL, NAMESPACE, STATEFULSET } from '../../../runner/stands/cluster/layout.js';
import { makeContext } from '../../kube/harness.js';
import { isPodReady, minioPods, podOn, useClusterStand, waitHttp, waitPods } from './helpers.js';
import { defaultCatalog } from '../../../runner/catalog.js';
import { pollUntil } from '../../../runner/core/abort.js';

const podKill = defaultCatalog().faults.get('pod.kill')!;
const drain = defaultCatalog().faults.get('node.drain')!;
const workloadReady = defaultCatalog().probes.get('k8s.workloadReady')!;
const statefulSet = { kind: 'StatefulSet', namespace: NAMESPACE, name: STATEFULSET };

describe('cluster stand: Kubernetes faults on real pods', function () {
  this.timeout(600_000);
  const h = useClusterStand();

  it('pod.kill of a MinIO pod: the replacement runs a new MinIO and turns Ready for real, not at once', async () => {
    const stand = h.stand();
    const ctx = makeContext(stand, AbortSignal.timeout(300_000), 11);
    const spec = { namespace: NAMESPACE, selector: { ...APP_LABEL }, count: 1 };
    const undo = await podKill.prepare(spec, ctx);
    const nodeOf = new Map((await minioPods(h.core())).map((p) => [p.metadata?.name, p.spec?.nodeName]));
    const before = new Map(await Promise.all([...new Set(nodeOf.values())].map(async (n) => [n, await h.driver().storagePids(n!)] as const)));
    const t0 = Date.now();
    const details = (await podKill.inject(spec, undo, ctx)) as { pods: string[]; uids: string[] };
    assert.equal(details.pods.length, 1);
    const [victim] = details.pods;
    const node = nodeOf.get(victim);
    // kwok would call it Ready at once; here the kubelet has to start MinIO and probe it.
    // The controller updates the StatefulSet status a moment after the delete: the poll is the
    // assertion (it throws, naming its 30 s bound, if the status never shows the kill).
    await pollUntil('the StatefulSet status to show the kill', 30_000, ctx.signal, async () =>
      (await workloadReady.evaluate(statefulSet, ctx)).ok ? undefined : true,
    );
    const readyAt = await waitPods(stand, `the replacement of ${victim} Ready`, 240_000, (pods) => {
      const p = pods.find((x) => x.metadata?.name === victim);
      return !!p && p.metadata?.uid !== details.uids[0] && isPodReady(p);
    });
    const fresh = (await minioPods(h.core())).find((p) => p.metadata?.name === victim)!;
    const onNode = fresh.spec!.nodeName!;
    // the replacement was created not Ready and turned Ready later (kwok: the same second)
    const readySince = fresh.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
    const notReadyFor = new Date(readySince!).getTime() - new Date(fresh.metadata!.creationTimestamp!).getTime();
    assert.ok(notReadyFor >= 1000, `the replacement was Ready ${notReadyFor} ms after it was created`);
    const now = await h.driver().storagePids(onNode);
    assert.equal(now.length, 1, `a MinIO process runs on ${onNode}`);
    // a real server start: the process serving now is not one that ran before the kill
    assert.ok(!(before.get(onNode) ?? []).includes(now[0]!), `MinIO on ${onNode} is a new process (${now[0]}), not ${before.get(onNode)}`);
    const back = await workloadReady.waitUntil!(statefulSet, makeContext(stand, AbortSignal.timeout(120_000)));
    assert.ok(back.ok, back.value);
    await waitHttp(stand.healthUrl!, 120_000);
    await podKill.revert(undo, ctx);
    console.log(`      pod.kill ${victim} on ${node}: replacement Ready after ${((readyAt - t0) / 1000).toFixed(1)} s on ${onNode}`);
  });

  it('node.drain: the MinIO pod is evicted through the PDB, its replacement stays Pending on the cordoned node; the revert brings it back', async () => {
    const stand = h.stand();
    const ctx = makeContext(stand, AbortSignal.timeout(300_000));
    const spec = { node: 'node3', timeout: '120s' };
    const undo = await drain.prepare(spec, ctx);
    const before = podOn(await minioPods(h.core()), 'node3')!;
    try {
      const details = (await drain.inject(spec, undo, ctx)) as { evicted: string[] };
      assert.ok(details.evicted.includes(`${NAMESPACE}/${before.metadata!.name!}`) || details.evicted.includes(before.metadata!.name!), JSON.stringify(details));
      assert.deepEqual(await h.driver().storagePids('node3'), [], 'the real MinIO process on node3 is gone');
      // anti-affinity and hostNetwork keep it off the other nodes; node3 is cordoned
      await waitPods(stand, 'the replacement Pending', 60_000, (pods) => {
        const p = pods.find((x) => x.metadata?.name === before.metadata?.name);
        return !!p && p.metadata?.uid !== before.metadata?.uid && !p.spec?.nodeName;
      });
    } finally {
      await drain.revert(undo, ctx);
    }
    await waitPods(stand, 'the MinIO pod on node3 Ready again', 240_000, (pods) => !!podOn(pods, 'node3') && isPodReady(podOn(pods, 'node3')!));
    assert.equal((await h.driver().storagePids('node3')).length, 1);
  });
});

