/**
 * The kwok stand end to end, on the real built binaries: up, API, nodes, a
 * Deployment, power-off/on, status, down (also after a crash lost state.json).
 * Runs a second stand in its own state dir and ports, so a stand other people
 * use (the default one) is never touched.
 */
import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, VersionApi } from '@kubernetes/client-node';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { Stand } from '../../../runner/core/contracts.js';
import { pollUntil } from '../../../runner/core/abort.js';
import { cacheDir } from '../../../runner/core/files.js';
import type { StandIO } from '../../../runner/core/stand-kind.js';
import { defaultCatalog } from '../../../runner/catalog.js';
import { isReady, waitFor } from '../../../runner/stands/control-plane/api.js';
import { opts } from '../../../runner/kube/client.js';
import type { KubeObject } from '../../../runner/kube/watch.js';

const byName = (nodes: KubeObject[], name: string) => nodes.find((n) => n.metadata?.name === name) as V1Node | undefined;
import { GRACE_S } from '../../../runner/stands/kwok/components.js';
import { kwokStand } from '../../../runner/stands/kwok/index.js';
import { COMPONENTS, layout } from '../../../runner/stands/kwok/layout.js';
import { ZONE_LABEL } from '../../../runner/stands/kwok/nodes.js';
import { findOurs, runs } from '../../../runner/core/proc.js';
import { readState } from '../../../runner/stands/kwok/state.js';

const UP_MS = 70 * 60_000; // includes building the tools when the cache is cold
const exists = (p: string) => access(p).then(() => true, () => false);

describe('kwok stand (real control plane)', function () {
  this.timeout(5 * 60_000);
  const lines: string[] = [];
  const io = (ms: number): StandIO => ({ signal: AbortSignal.timeout(ms), log: (l) => lines.push(l) });
  const saved = { state: process.env.FAULTLINE_STATE, base: process.env.FAULTLINE_KWOK_PORT_BASE };
  let tmp: string;
  let stand: Stand;
  const signal = () => AbortSignal.timeout(60_000);
  const timings: Record<string, number> = {};

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'faultline-kwok-test-'));
    process.env.FAULTLINE_STATE = tmp;
    process.env.FAULTLINE_KWOK_PORT_BASE = '24500';
  });

  after(async function () {
    this.timeout(2 * 60_000);
    await kwokStand.down('kwok', io(60_000)).catch(() => {});
    if (saved.state === undefined) delete process.env.FAULTLINE_STATE;
    else process.env.FAULTLINE_STATE = saved.state;
    if (saved.base === undefined) delete process.env.FAULTLINE_KWOK_PORT_BASE;
    else process.env.FAULTLINE_KWOK_PORT_BASE = saved.base;
    await rm(tmp, { recursive: true, force: true });
    console.log(`      timings: ${JSON.stringify(timings)}`);
  });

  it('is registered as an embedded stand', async () => {
    assert.equal(defaultCatalog().stands.get('kwok'), kwokStand);
  });

  it('comes up with the API and 4 nodes Ready and prints the kubeconfig path', async function () {
    this.timeout(UP_MS);
    const t = Date.now();
    await kwokStand.up('kwok', {}, io(UP_MS));
    timings.upMs = Date.now() - t;
    const l = layout();
    assert.equal(l.root, join(tmp, 'kwok'));
    assert.ok(lines.includes(`kubeconfig: ${l.kubeconfig}`), lines.join('\n'));
    assert.match(await readFile(l.kubeconfig, 'utf8'), /client-key-data/);
    const state = await readState(l);
    assert.ok(state?.readyAt);
    assert.deepEqual(state.processes.map((p) => p.component), [...COMPONENTS]);
    assert.ok(state.processes.every(runs));
    stand = await kwokStand.open('kwok', signal());
  });

  it('is a stand with kubernetes and nodes, no s3', () => {
    assert.equal(stand.name, 'kwok');
    assert.equal(stand.driver, 'kwok');
    assert.equal(stand.ref, 'kwok');
    assert.ok(stand.capabilities.has('kubernetes') && stand.capabilities.has('nodes'));
    assert.ok(!stand.capabilities.has('s3'));
    assert.match(stand.unsupported.get('s3') ?? '', /simulates pods/);
    assert.deepEqual(stand.nodes?.list(), ['node1', 'node2', 'node3', 'node4']);
  });

  it('answers the API as Kubernetes 1.34 with the admin identity', async () => {
    const v = await stand.kube!.kc.makeApiClient(VersionApi).getCode(opts(signal()));
    assert.match(v.gitVersion, /^v1\.34\./);
    const ns = await stand.kube!.kc.makeApiClient(CoreV1Api).listNamespace({}, opts(signal()));
    assert.ok(ns.items.some((n) => n.metadata?.name === 'kube-system'));
  });

  it('has 4 Ready nodes, two per zone', async () => {
    const nodes = (await stand.kube!.kc.makeApiClient(CoreV1Api).listNode({}, opts(signal()))).items;
    assert.deepEqual(nodes.map((n) => n.metadata?.name).sort(), ['node1', 'node2', 'node3', 'node4']);
    assert.ok(nodes.every(isReady), 'every node Ready');
    const zones = nodes.map((n) => n.metadata?.labels?.[ZONE_LABEL]);
    assert.deepEqual(zones.sort(), ['zone-a', 'zone-a', 'zone-b', 'zone-b']);
  });

  // workloads and power (one sequence: mocha runs nested suites after these tests)
  const ns = 'kwok-stand-test';
  const replicas = 4;
  const core = () => stand.kube!.kc.makeApiClient(CoreV1Api);
  const podsOf = async () => (await core().listNamespacedPod({ namespace: ns, labelSelector: 'app=web' }, opts(signal()))).items;
  const live = (pods: V1Pod[]) => pods.filter((p) => !p.metadata?.deletionTimestamp);
  const podReady = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

  it('runs a Deployment to Ready pods (scheduler, controllers, kwok stages)', async () => {
    const apps = stand.kube!.kc.makeApiClient(AppsV1Api);
    await core().createNamespace({ body: { metadata: { name: ns } } }, opts(signal()));
    const labels = { app: 'web' };
    await apps.createNamespacedDeployment(
      {
        namespace: ns,
        body: {
          metadata: { name: 'web' },
          spec: {
            replicas,
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: {
                containers: [{ name: 'web', image: 'example.invalid/web:1' }],
                // evict at once from an unreachable node, so power-off reschedules quickly
                tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }],
              },
            },
          },
        },
      },
      opts(signal()),
    );
    const t = Date.now();
    await pollUntil('Deployment web ready', 60_000, signal(), async (s) => {
      const d = await apps.readNamespacedDeployment({ name: 'web', namespace: ns }, opts(s));
      return d.status?.readyReplicas === replicas ? true : undefined;
    });
    timings.deploymentReadyMs = Date.now() - t;
    const pods = await podsOf();
    assert.equal(pods.length, replicas);
    for (const p of pods) {
      assert.ok(podReady(p), `${p.metadata?.name} Ready`);
      assert.equal(p.status?.phase, 'Running');
      assert.match(p.spec?.nodeName ?? '', /^node[1-4]$/);
      assert.match(p.status?.podIP ?? '', /^10\.244\./);
    }
  });

  it('powers a node off: NotReady within the bound, tainted, pods rescheduled; power on: Ready again', async function () {
    this.timeout(4 * 60_000);
    const victim = (await podsOf())[0].spec!.nodeName!;
    const others = ['node1', 'node2', 'node3', 'node4'].filter((n) => n !== victim);
    const t = Date.now();
    await stand.nodes!.powerOff!(victim, signal());
    const bound = (GRACE_S + 20) * 1000;
    await waitFor(stand.kube!.kc, { path: '/api/v1/nodes' }, `${victim} NotReady`, bound, signal(), (nodes) => {
      const n = byName(nodes, victim);
      return !!n && !isReady(n);
    });
    timings.notReadyMs = Date.now() - t;
    assert.ok(timings.notReadyMs >= (GRACE_S - 5) * 1000, `NotReady only after the grace period, was ${timings.notReadyMs} ms`);
    const taintedAt = await waitFor(stand.kube!.kc, { path: '/api/v1/nodes' }, `${victim} unreachable taint`, 30_000, signal(), (nodes) =>
      hasTaint(byName(nodes, victim), 'node.kubernetes.io/unreachable'),
    );
    assert.ok(taintedAt > t);
    const nodes = (await core().listNode({}, opts(signal()))).items;
    const ready = nodes.find((n) => n.metadata?.name === victim)?.status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'Unknown', 'a silent node is Unknown, as after a real power loss');
    assert.ok(nodes.filter((n) => others.includes(n.metadata!.name!)).every(isReady), 'the other nodes stay Ready');
    // the ReplicaSet replaces the evicted pods on the other nodes
    await pollUntil('pods rescheduled off the powered-off node', 60_000, signal(), async () => {
      const pods = live(await podsOf());
      return pods.length === replicas && pods.every((p) => podReady(p) && others.includes(p.spec?.nodeName ?? '')) ? true : undefined;
    });
    timings.rescheduledMs = Date.now() - t;

    const t2 = Date.now();
    await stand.nodes!.powerOn!(victim, signal());
    await waitFor(stand.kube!.kc, { path: '/api/v1/nodes' }, `${victim} Ready again`, 60_000, signal(), (all) => {
      const n = byName(all, victim);
      return !!n && isReady(n) && !hasTaint(n, 'node.kubernetes.io/unreachable');
    });
    timings.readyAgainMs = Date.now() - t2;
    // the node's "kubelet" is back: pods left Terminating on it go away
    await pollUntil('terminating pods on the node removed', 60_000, signal(), async () =>
      (await podsOf()).some((p) => p.spec?.nodeName === victim && p.metadata?.deletionTimestamp) ? undefined : true,
    );
  });

  it('power-off of an unknown node fails with the node named', async () => {
    await assert.rejects(stand.nodes!.powerOff!('node9', signal()), /node node9 does not exist/);
  });

  it('shows components and nodes in status', async () => {
    const s = await kwokStand.status('kwok', io(30_000));
    assert.equal(s.up, true, s.lines.join('\n'));
    for (const c of COMPONENTS) assert.ok(s.lines.some((l) => l.startsWith(c) && l.endsWith('healthy') && !l.endsWith('unhealthy')), `${c} healthy in:\n${s.lines.join('\n')}`);
    assert.equal(s.lines.filter((l) => /^node node\d zone-[ab] Ready/.test(l)).length, 4, s.lines.join('\n'));
  });

  it('says it is already up instead of starting twice', async () => {
    const before = (await readState(layout()))!.processes.map((p) => p.pid);
    await kwokStand.up('kwok', {}, io(60_000));
    assert.match(lines.at(-2) ?? '', /already up/);
    assert.deepEqual((await readState(layout()))!.processes.map((p) => p.pid), before);
  });

  it('goes down leaving no process and no file', async function () {
    this.timeout(2 * 60_000);
    const l = layout();
    const procs = (await readState(l))!.processes;
    const t = Date.now();
    await kwokStand.down('kwok', io(60_000));
    timings.downMs = Date.now() - t;
    assert.ok(procs.every((p) => !runs(p)), 'every recorded process is gone');
    assert.deepEqual(await findOurs(l.root, cacheDir('tools')), []);
    assert.equal(await exists(l.root), false);
    await assert.rejects(kwokStand.open('kwok', signal()), (err: { code?: string }) => err.code === 'stand-down');
    const s = await kwokStand.status('kwok', io(10_000));
    assert.equal(s.up, false);
  });

  it('goes down after a crash lost its state file: finds the processes by what they run', async function () {
    this.timeout(UP_MS);
    const l = layout();
    const t = Date.now();
    await kwokStand.up('kwok', {}, io(UP_MS));
    timings.secondUpMs = Date.now() - t;
    const procs = (await readState(l))!.processes;
    assert.equal(procs.length, COMPONENTS.length);
    await rm(l.stateFile);
    assert.equal((await findOurs(l.root, cacheDir('tools'))).length, COMPONENTS.length);
    await kwokStand.down('kwok', io(60_000));
    assert.ok(procs.every((p) => !runs(p)), 'every process is gone');
    assert.equal(await exists(l.root), false);
  });
});

function hasTaint(node: V1Node | undefined, key: string): boolean {
  return node?.spec?.taints?.some((t) => t.key === key) ?? false;
}
