/**
 * Shared by the Kubernetes tests: the real kwok stand, a Context for faults and
 * probes, a throwaway namespace per suite, workload manifests, and an independent
 * reference watch (client-node's own Watch class, not faultline's) to time transitions.
 */
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api, KubeConfig, PolicyV1Api, Watch } from '@kubernetes/client-node';
import type { V1DaemonSet, V1Deployment, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { Context, Stand, TimelineEvent } from '../../runner/core/contracts.js';
import { defaultCatalog } from '../../runner/catalog.js';
import { opts } from '../../runner/kube/client.js';

export interface Kwok {
  stand: Stand;
  core: CoreV1Api;
  apps: AppsV1Api;
  policy: PolicyV1Api;
}

/**
 * An embedded stand, which the global fixture (test/global-stands.ts) brought up before
 * any suite. One that is not up fails the suite, never skips it.
 */
export async function openEmbedded(name: string): Promise<Stand> {
  const def = defaultCatalog().stands.get(name);
  if (!def) throw new Error(`no stand kind ${name} in the catalog`);
  return def.open(name, AbortSignal.timeout(20_000));
}

/** The running kwok stand. */
export async function openKwok(): Promise<Kwok> {
  const stand = await openEmbedded('kwok');
  const kc = stand.kube!.kc;
  return { stand, core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), policy: kc.makeApiClient(PolicyV1Api) };
}

export interface TestContext extends Context {
  events: TimelineEvent[];
}

export function makeContext(stand: Stand, signal: AbortSignal = AbortSignal.timeout(120_000), seed = 42): TestContext {
  const events: TimelineEvent[] = [];
  return {
    signal,
    stand,
    seed,
    runId: `test-${Date.now()}`,
    workloads: { get: () => undefined },
    emit: (type, data) => events.push({ type, at: Date.now(), ...data }),
    events,
  };
}

/** A fresh KubeConfig from the same file and context, as `faultline recover` would build. */
export function freshStand(stand: Stand): Stand {
  const kc = new KubeConfig();
  kc.loadFromString(stand.kube!.kc.exportConfig());
  kc.setCurrentContext(stand.kube!.context);
  return { ...stand, kube: { kc, context: stand.kube!.context } };
}

export async function createNamespace(k: Kwok, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await k.core.createNamespace({ body: { metadata: { name, labels: { 'faultline.dev/test': 'true' } } } }, opts(AbortSignal.timeout(20_000)));
  return name;
}

export async function deleteNamespace(k: Kwok | undefined, name: string | undefined): Promise<void> {
  if (!k || !name) return;
  await k.core.deleteNamespace({ name }, opts(AbortSignal.timeout(20_000))).catch(() => undefined);
}

function podTemplate(app: string) {
  return {
    metadata: { labels: { app } },
    spec: {
      containers: [{ name: 'main', image: 'registry.invalid/fake:1' }],
      terminationGracePeriodSeconds: 30,
    },
  };
}

export function deployment(name: string, replicas: number): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: podTemplate(name) },
  };
}

export function statefulSet(name: string, replicas: number): V1StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: { replicas, serviceName: name, selector: { matchLabels: { app: name } }, template: podTemplate(name) },
  };
}

export function daemonSet(name: string): V1DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: { selector: { matchLabels: { app: name } }, template: podTemplate(name) },
  };
}

export async function listPods(k: Kwok, namespace: string, labelSelector: string): Promise<V1Pod[]> {
  return (await k.core.listNamespacedPod({ namespace, labelSelector }, opts(AbortSignal.timeout(20_000)))).items;
}

export function isReady(p: V1Pod): boolean {
  return !p.metadata?.deletionTimestamp && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export interface Recorded {
  type: string;
  at: number;
  obj: any;
}

/**
 * Reference watch: client-node's Watch on `path`, recording every event with its arrival time.
 * Started before the action under test; `stop()` ends it.
 */
export async function referenceWatch(kc: KubeConfig, path: string, query: Record<string, string>): Promise<{ events: Recorded[]; stop(): void }> {
  const events: Recorded[] = [];
  const w = new Watch(kc);
  const controller = await w.watch(
    path,
    query,
    (type, obj) => events.push({ type, at: Date.now(), obj }),
    () => undefined,
  );
  return { events, stop: () => controller.abort() };
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Sets (or with null removes) one label of a node. */
export async function labelNode(k: Kwok, node: string, key: string, value: string | null): Promise<void> {
  await k.core.patchNode({ name: node, body: { metadata: { labels: { [key]: value } } } }, opts(AbortSignal.timeout(20_000), { patch: 'merge' }));
}
