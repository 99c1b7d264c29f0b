/**
 * Detection latency of a Kubernetes gate (a script, not a test).
 *
 * On the kwok stand, kills one pod of a 3-replica Deployment N times (default 50).
 * kwok replaces a pod within milliseconds, faster than any gate can start, so the
 * Deployment is pinned to a node by a label that is taken away before each kill and
 * put back after a random 0-1 s: the replacement turns Ready at a moment no gate knows.
 * After each kill, two gates wait for "3 pods ready" side by side:
 *   - watch: the k8s.podsReady probe's waitUntil (list + watch, records the event's arrival)
 *   - poll:  the same probe's evaluate() in a 1 s polling loop (records when a poll first passes)
 * The actual transition is when the replacement pod turned Ready, as seen by an
 * independent reference watch (client-node's Watch). Latency = recorded - actual.
 * The Ready condition's lastTransitionTime (1 s precision) is printed as a cross-check.
 *
 * Usage: node dist/bench/detection-latency.js [--kills 50]
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api, Watch } from '@kubernetes/client-node';
import type { V1Pod } from '@kubernetes/client-node';
import { pollUntil } from '../runner/core/abort.js';
import { ctxFor, mean, pct, readyCondition, row } from './kit.js';
import { defaultCatalog } from '../runner/catalog.js';
import { opts } from '../runner/kube/client.js';

const { faults, probes } = defaultCatalog();

const { values: args } = parseArgs({ options: { kills: { type: 'string', default: '50' } } });
const log = (line: string) => process.stdout.write(line + '\n');
const REPLICAS = 3;
const POLL_MS = 1_000;

async function main(): Promise<void> {
  const kills = Number(args.kills);
  const stand = await defaultCatalog().stands.get('kwok')!.open('kwok', AbortSignal.timeout(20_000));
  const kc = stand.kube!.kc;
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const ns = `fl-bench-${randomBytes(3).toString('hex')}`;
  const podsReady = probes.get('k8s.podsReady')!;
  const podKill = faults.get('pod.kill')!;
  const gateSpec = { namespace: ns, selector: 'app=target', count: REPLICAS };
  const POOL = 'faultline.dev/bench-pool';
  const pool = (value: string | null) =>
    core.patchNode({ name: 'node1', body: { metadata: { labels: { [POOL]: value } } } }, opts(AbortSignal.timeout(20_000), { patch: 'merge' }));

  // reference: first arrival of Ready=True per pod UID, and the condition's own timestamp
  const readyAt = new Map<string, { at: number; condition: number }>();
  const ref = await new Watch(kc).watch(
    `/api/v1/namespaces/${ns}/pods`,
    {},
    (_type, pod: V1Pod) => {
      const c = readyCondition(pod);
      const uid = pod.metadata?.uid;
      if (c && uid && !readyAt.has(uid)) readyAt.set(uid, { at: Date.now(), condition: new Date(c.lastTransitionTime!).getTime() });
    },
    () => undefined,
  );

  const watchLat: number[] = [];
  const pollLat: number[] = [];
  const condLat: number[] = [];
  let viaList = 0;
  try {
    await core.createNamespace({ body: { metadata: { name: ns } } }, opts(AbortSignal.timeout(20_000)));
    await pool(ns);
    const template = {
      metadata: { labels: { app: 'target' } },
      spec: { nodeSelector: { [POOL]: ns }, containers: [{ name: 'main', image: 'registry.invalid/fake:1' }] },
    };
    await apps.createNamespacedDeployment(
      { namespace: ns, body: { metadata: { name: 'target' }, spec: { replicas: REPLICAS, selector: { matchLabels: { app: 'target' } }, template } } },
      opts(AbortSignal.timeout(20_000)),
    );
    await podsReady.waitUntil!(gateSpec, ctxFor(stand, 0, 60_000));
    log(`detection latency: ${kills} pod kills on the kwok stand, namespace ${ns}`);
    for (let i = 1; i <= kills; i++) {
      const ctx = ctxFor(stand, i, 60_000);
      const before = new Set((await core.listNamespacedPod({ namespace: ns }, opts(ctx.signal))).items.map((p) => p.metadata!.uid!));
      const spec = { namespace: ns, selector: 'app=target', count: 1 };
      await pool(null); // the replacement stays Pending
      await podKill.inject(spec, await podKill.prepare(spec, ctx), ctx);
      const release = new Promise((r) => setTimeout(r, Math.random() * 1_000)).then(() => pool(ns));
      const [watched, polledAt] = await Promise.all([
        podsReady.waitUntil!(gateSpec, ctx),
        pollUntil('poll gate', 60_000, ctx.signal, async (s) => ((await podsReady.evaluate(gateSpec, { ...ctx, signal: s })).ok ? Date.now() : undefined), POLL_MS),
        release,
      ]);
      await new Promise((r) => setTimeout(r, 100)); // let the reference watch catch up
      const fresh = [...readyAt.entries()].filter(([uid]) => !before.has(uid)).map(([, v]) => v);
      const actual = fresh.sort((a, b) => b.at - a.at)[0];
      if (!actual) throw new Error(`kill ${i}: the reference watch saw no replacement pod become Ready`);
      if (watched.data?.via === 'list') viaList++;
      watchLat.push(watched.at - actual.at);
      pollLat.push(polledAt - actual.at);
      condLat.push(watched.at - actual.condition);
      if (i % 10 === 0) log(`  ${i}/${kills} kills`);
    }
  } finally {
    ref.abort();
    await pool(null).catch(() => undefined);
    await core.deleteNamespace({ name: ns }, opts(AbortSignal.timeout(20_000))).catch(() => undefined);
    await stand.close();
  }

  log('');
  log('gate recorded time minus actual transition (reference watch event):');
  log(row('watch (k8s.podsReady)', watchLat));
  log(row(`poll every ${POLL_MS / 1000} s`, pollLat));
  const ratio = (p: number) => (pct(pollLat, p) / Math.max(1, pct(watchLat, p))).toFixed(1);
  log(`ratio poll/watch: p50 ${ratio(50)}x, p95 ${ratio(95)}x, mean ${(mean(pollLat) / Math.max(1, mean(watchLat))).toFixed(1)}x (watch floored at 1 ms)`);
  log(`watch gate vs the Ready condition's lastTransitionTime (1 s precision): p50 ${pct(condLat, 50)} ms, p95 ${pct(condLat, 95)} ms`);
  log(`watch gate already true at its first list (transition before the gate started): ${viaList}/${kills}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`detection-latency: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
