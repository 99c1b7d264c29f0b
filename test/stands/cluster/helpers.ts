/** Shared by the cluster stand suites: bring the stand up (bounded), look at it through the API and /proc, restore it. */
import { CoreV1Api, type V1Node, type V1Pod } from '@kubernetes/client-node';
import type { Stand } from '../../../runner/core/contracts.js';
import { stateDir } from '../../../runner/core/files.js';
import { opts } from '../../../runner/kube/client.js';
import type { KubeObject } from '../../../runner/kube/watch.js';
import { isReady, waitFor } from '../../../runner/stands/control-plane/api.js';
import { clusterStand } from '../../../runner/stands/cluster/index.js';
import { ClusterNodeDriver } from '../../../runner/stands/cluster/driver.js';
import { APP_LABEL, NAMESPACE } from '../../../runner/stands/cluster/layout.js';
import { isPodReady } from '../../../runner/stands/cluster/up.js';
import { STOCK_KERNEL } from '../../../runner/stands/local/kernel.js';
import { acquireLock } from '../../../runner/core/lock.js';
import { recordingIO, waitHttp } from '../local/helpers.js';

export { connect, connectFrom, recordingIO, s3Of, waitHttp } from '../local/helpers.js';

/** Bound of bringing the stand up, building the tools first when the cache is cold. */
export const UP_MS = 60 * 60_000;
const TEST_LOCK_WAIT_MS = 30 * 60_000;
export const SELECTOR = Object.entries(APP_LABEL).map(([k, v]) => `${k}=${v}`).join(',');

export interface ClusterHandle {
  stand(): Stand;
  driver(): ClusterNodeDriver;
  core(): CoreV1Api;
}

export async function clusterIsUp(): Promise<boolean> {
  return (await clusterStand.status('cluster', recordingIO(60_000))).up;
}

/**
 * Before all: takes the suites' lock and opens the stand the global fixture
 * (test/global-stands.ts) brought up. After each test every node fault is undone and the
 * stand is healthy again.
 */
export function useClusterStand(): ClusterHandle {
  let stand: Stand | undefined;
  let release: (() => Promise<void>) | undefined;
  const h: ClusterHandle = {
    stand: () => stand!,
    driver: () => stand!.nodes as ClusterNodeDriver,
    core: () => stand!.kube!.kc.makeApiClient(CoreV1Api),
  };
  before(async function () {
    this.timeout(TEST_LOCK_WAIT_MS + 60_000);
    release = await acquireLock(stateDir('cluster.tests.lock'), AbortSignal.timeout(TEST_LOCK_WAIT_MS + 5000), TEST_LOCK_WAIT_MS, 'other test runs on the cluster stand');
    stand = await clusterStand.open('cluster', AbortSignal.timeout(30_000));
  });
  afterEach(async function () {
    this.timeout(600_000);
    if (stand) await restoreAll(stand);
  });
  after(async () => {
    await release?.();
  });
  return h;
}

export async function minioPods(core: CoreV1Api): Promise<V1Pod[]> {
  return (await core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: SELECTOR }, opts(AbortSignal.timeout(20_000)))).items;
}

export const podOn = (pods: V1Pod[], node: string): V1Pod | undefined => pods.find((p) => p.spec?.nodeName === node && !p.metadata?.deletionTimestamp);

export const restartsOf = (p: V1Pod | undefined): number => p?.status?.containerStatuses?.find((c) => c.name === 'minio')?.restartCount ?? -1;

/** Watches nodes until `node` is (not) Ready; returns the epoch ms of the transition. */
export function waitNode(stand: Stand, node: string, ready: boolean, ms: number): Promise<number> {
  return waitFor(stand.kube!.kc, { path: '/api/v1/nodes', fieldSelector: `metadata.name=${node}` }, `${node} ${ready ? 'Ready' : 'NotReady'}`, ms, AbortSignal.timeout(ms + 5000), (nodes) => {
    const n = nodes[0] as V1Node | undefined;
    return !!n && isReady(n) === ready;
  });
}

/** Watches the MinIO pods until `decide` holds; returns the epoch ms it did. */
export function waitPods(stand: Stand, what: string, ms: number, decide: (pods: V1Pod[]) => boolean): Promise<number> {
  return waitFor(stand.kube!.kc, { path: `/api/v1/namespaces/${NAMESPACE}/pods`, labelSelector: SELECTOR }, what, ms, AbortSignal.timeout(ms + 5000), (pods: KubeObject[]) => decide(pods as V1Pod[]));
}

export const allReady = (n: number) => (pods: V1Pod[]) => pods.filter((p) => isPodReady(p)).length === n;

/** Undoes every node fault on every node, then waits for 4 Ready nodes, 4 Ready MinIO pods and a healthy S3 cluster. */
export async function restoreAll(stand: Stand): Promise<void> {
  const signal = AbortSignal.timeout(500_000);
  const d = stand.nodes as ClusterNodeDriver;
  const nodes = d.list();
  await d.heal(nodes.map((n) => [n]), signal);
  for (const n of nodes) {
    await d.resume(n, signal);
    if (await d.isPoweredOff(n, signal)) await d.powerOn(n, signal);
    await d.setBootKernel(n, STOCK_KERNEL, signal);
    for (let i = 0; i < stand.drives![n]!.length; i++) await d.clearFill(n, d.fillPath(n, i), signal);
    await d.powerOn(n, signal); // boots a node whose daemons died
  }
  for (const n of nodes) await waitNode(stand, n, true, 120_000);
  await waitPods(stand, '4 MinIO pods Ready', 300_000, allReady(nodes.length));
  await waitHttp(stand.healthUrl!, 180_000);
}

export { isPodReady };
