/**
 * Detection latency of the watch-based gates on real pods (a script, not a test), on the
 * cluster stand (real kubelets and containers). Holds the stand for its duration.
 *
 *  1. N kills (default 30) of one pod of a 3-replica busybox Deployment (exec readiness
 *     probe every 1 s). After each kill two gates wait for "3 pods ready" side by side:
 *     the k8s.podsReady probe's waitUntil (list + watch) and the same probe's evaluate()
 *     in a 1 s polling loop. The actual transition is the arrival of the replacement's
 *     Ready=True at an independent reference watch; the pod's own Ready condition
 *     lastTransitionTime (1 s precision) is printed beside it.
 *  2. MinIO pod kill (the pod behind the S3 endpoint, grace 0) -> S3 serving again (a
 *     PUT+GET round trip every 200 ms) and -> that pod Ready again, over --s3-kills rounds.
 *  3. Node power-off -> NotReady (watch), over --power-cuts rounds (power back on, 4/4 Ready between).
 *
 * Usage: node dist/bench/cluster-detection.js [--kills 30] [--s3-kills 5] [--power-cuts 2]
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api, Watch, type V1Pod } from '@kubernetes/client-node';
import { GetObjectCommand, PutObjectCommand, CreateBucketCommand } from '@aws-sdk/client-s3';
import type { Stand } from '../runner/core/contracts.js';
import { pollUntil } from '../runner/core/abort.js';
import { ctxFor, pct, readyCondition, row } from './kit.js';
import { defaultCatalog } from '../runner/catalog.js';
import { opts } from '../runner/kube/client.js';
import { withS3 } from '../runner/s3/client.js';
import { isReady, waitFor } from '../runner/stands/control-plane/api.js';
import type { KubeObject } from '../runner/kube/watch.js';
import { clusterStand } from '../runner/stands/cluster/index.js';
import { APP_LABEL, NAMESPACE } from '../runner/stands/cluster/layout.js';
import { isPodReady } from '../runner/stands/cluster/up.js';

const { faults, probes } = defaultCatalog();
const { values: args } = parseArgs({ options: { kills: { type: 'string', default: '30' }, 's3-kills': { type: 'string', default: '5' }, 'power-cuts': { type: 'string', default: '2' } } });
const log = (line: string) => process.stdout.write(line + '\n');
const REPLICAS = 3;
const POLL_MS = 1_000;
const MINIO = Object.entries(APP_LABEL).map(([k, v]) => `${k}=${v}`).join(',');

async function podGates(stand: Stand, kills: number): Promise<void> {
  const kc = stand.kube!.kc;
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const ns = `fl-bench-${randomBytes(3).toString('hex')}`;
  const podsReady = probes.get('k8s.podsReady')!;
  const podKill = faults.get('pod.kill')!;
  const gateSpec = { namespace: ns, selector: 'app=target', count: REPLICAS };
  const readyAt = new Map<string, { at: number; condition: number }>();
  const ref = await new Watch(kc).watch(`/api/v1/namespaces/${ns}/pods`, {}, (_type, pod: V1Pod) => {
    const c = readyCondition(pod);
    const uid = pod.metadata?.uid;
    if (c && uid && !readyAt.has(uid)) readyAt.set(uid, { at: Date.now(), condition: new Date(c.lastTransitionTime!).getTime() });
  }, () => undefined);
  const watchLat: number[] = [];
  const pollLat: number[] = [];
  const condLat: number[] = [];
  const killToReady: number[] = [];
  try {
    await core.createNamespace({ body: { metadata: { name: ns } } }, opts(AbortSignal.timeout(20_000)));
    const container = {
      name: 'main',
      image: 'faultline.local/busybox:1',
      command: ['/bin/sh', '-c', "trap 'exit 0' TERM; touch /tmp/ready; while true; do sleep 1; done"],
      readinessProbe: { exec: { command: ['test', '-e', '/tmp/ready'] }, periodSeconds: 1 },
    };
    const template = { metadata: { labels: { app: 'target' } }, spec: { terminationGracePeriodSeconds: 1, containers: [container] } };
    await apps.createNamespacedDeployment({ namespace: ns, body: { metadata: { name: 'target' }, spec: { replicas: REPLICAS, selector: { matchLabels: { app: 'target' } }, template } } }, opts(AbortSignal.timeout(20_000)));
    await podsReady.waitUntil!(gateSpec, ctxFor(stand, 0, 120_000));
    log(`1. ${kills} pod kills (grace 0) of a ${REPLICAS}-replica busybox Deployment on real kubelets, namespace ${ns}`);
    for (let i = 1; i <= kills; i++) {
      const ctx = ctxFor(stand, i, 120_000);
      const before = new Set((await core.listNamespacedPod({ namespace: ns }, opts(ctx.signal))).items.map((p) => p.metadata!.uid!));
      const spec = { namespace: ns, selector: 'app=target', count: 1, gracePeriod: 0 };
      const t0 = Date.now();
      await podKill.inject(spec, await podKill.prepare(spec, ctx), ctx);
      const [watched, polledAt] = await Promise.all([
        podsReady.waitUntil!(gateSpec, ctx),
        pollUntil('poll gate', 120_000, ctx.signal, async (s) => ((await podsReady.evaluate(gateSpec, { ...ctx, signal: s })).ok ? Date.now() : undefined), POLL_MS),
      ]);
      await new Promise((r) => setTimeout(r, 200)); // let the reference watch catch up
      const actual = [...readyAt.entries()].filter(([uid]) => !before.has(uid)).map(([, v]) => v).sort((a, b) => b.at - a.at)[0];
      if (!actual) throw new Error(`kill ${i}: the reference watch saw no replacement pod become Ready`);
      watchLat.push(watched.at - actual.at);
      pollLat.push(polledAt - actual.at);
      condLat.push(watched.at - actual.condition);
      killToReady.push(actual.at - t0);
      if (i % 10 === 0) log(`   ${i}/${kills} kills`);
    }
  } finally {
    ref.abort();
    await core.deleteNamespace({ name: ns }, opts(AbortSignal.timeout(20_000))).catch(() => undefined);
  }
  log('   gate recorded time minus actual transition (reference watch event):');
  log('   ' + row('watch gate (k8s.podsReady waitUntil)', watchLat));
  log('   ' + row(`poll gate every ${POLL_MS / 1000} s`, pollLat));
  log(`   ratio poll/watch: p50 ${(pct(pollLat, 50) / Math.max(1, pct(watchLat, 50))).toFixed(1)}x, p95 ${(pct(pollLat, 95) / Math.max(1, pct(watchLat, 95))).toFixed(1)}x (watch floored at 1 ms)`);
  log('   ' + row("watch gate vs the pod's Ready lastTransitionTime (1 s precision)", condLat));
  log('   ' + row('pod deleted -> replacement Ready (reference)', killToReady));
}

async function s3Round(stand: Stand, bucket: string, signal: AbortSignal): Promise<void> {
  await withS3(stand, { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxAttempts: 1 }, async (s3) => {
    const key = `probe-${randomBytes(4).toString('hex')}`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }), { abortSignal: AbortSignal.any([signal, AbortSignal.timeout(2_000)]) });
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: AbortSignal.any([signal, AbortSignal.timeout(2_000)]) });
    await r.Body?.transformToByteArray();
  });
}

async function s3Serving(stand: Stand, rounds: number): Promise<void> {
  const kc = stand.kube!.kc;
  const core = kc.makeApiClient(CoreV1Api);
  const bucket = 'fl-bench-serving';
  await withS3(stand, {}, (s3) => s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined));
  const endpointNode = 'node1';
  const serving: number[] = [];
  const ready: number[] = [];
  log(`2. ${rounds} kills (grace 0) of the MinIO pod on ${endpointNode} (the S3 endpoint's)`);
  for (let i = 0; i < rounds; i++) {
    const pods = (await core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: MINIO }, opts(AbortSignal.timeout(20_000)))).items;
    const pod = pods.find((p) => p.spec?.nodeName === endpointNode && !p.metadata?.deletionTimestamp)!;
    const signal = AbortSignal.timeout(300_000);
    const t0 = Date.now();
    await core.deleteNamespacedPod({ name: pod.metadata!.name!, namespace: NAMESPACE, gracePeriodSeconds: 0 }, opts(signal));
    // the old server dies when its kubelet sees the delete: "again" counts from after the first failed round trip
    const answers = (s: AbortSignal) => s3Round(stand, bucket, s).then(() => true, () => false);
    const served = pollUntil('S3 to stop answering', 30_000, signal, async (s) => ((await answers(s)) ? undefined : true), 100)
      .then(() => pollUntil('S3 serving again', 300_000, signal, async (s) => ((await answers(s)) ? Date.now() : undefined), 200));
    const podBack = waitFor(kc, { path: `/api/v1/namespaces/${NAMESPACE}/pods`, labelSelector: MINIO }, 'replacement Ready', 300_000, signal, (ps: KubeObject[]) =>
      ps.some((p) => p.spec && (p as V1Pod).spec?.nodeName === endpointNode && p.metadata?.uid !== pod.metadata!.uid && isPodReady(p as V1Pod)),
    );
    const [s, r] = await Promise.all([served, podBack]);
    serving.push(s - t0);
    ready.push(r - t0);
    await new Promise((res) => setTimeout(res, 3_000));
  }
  log('   ' + row('pod kill -> S3 PUT+GET answered again', serving));
  log('   ' + row('pod kill -> replacement pod Ready', ready));
}

async function powerCuts(stand: Stand, rounds: number): Promise<void> {
  const kc = stand.kube!.kc;
  const d = stand.nodes!;
  const lat: number[] = [];
  const back: number[] = [];
  log(`3. ${rounds} power cuts of node4`);
  for (let i = 0; i < rounds; i++) {
    const signal = AbortSignal.timeout(600_000);
    const t0 = Date.now();
    await d.powerOff!('node4', signal);
    const notReady = await waitFor(kc, { path: '/api/v1/nodes', fieldSelector: 'metadata.name=node4' }, 'node4 NotReady', 120_000, signal, (ns) => !!ns[0] && !isReady(ns[0] as never));
    lat.push(notReady - t0);
    const t1 = Date.now();
    await d.powerOn!('node4', signal);
    await waitFor(kc, { path: `/api/v1/namespaces/${NAMESPACE}/pods`, labelSelector: MINIO }, '4 MinIO pods Ready', 300_000, signal, (ps) => ps.filter((p) => isPodReady(p as V1Pod)).length === 4);
    back.push(Date.now() - t1);
  }
  log('   ' + row('power-off -> node NotReady', lat));
  log('   ' + row('power-on -> 4/4 MinIO pods Ready', back));
}

const stand = await clusterStand.open('cluster', AbortSignal.timeout(30_000));
try {
  log(`cluster detection benchmark on ${process.version}`);
  await podGates(stand, Number(args.kills));
  await s3Serving(stand, Number(args['s3-kills']));
  await powerCuts(stand, Number(args['power-cuts']));
} finally {
  await stand.close();
}
