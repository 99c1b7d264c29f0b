/**
 * `faultline stand up cluster`: check the machine, build what is missing, make the
 * network and drives, start the control plane, boot four nodes (containerd +
 * kubelet each), import the images, deploy MinIO as a StatefulSet and wait until
 * the nodes, the pods and S3 are ready.
 */
import { mkdir } from 'node:fs/promises';
import { AppsV1Api, CoreV1Api, KubeConfig, PolicyV1Api, StorageV1Api } from '../../kube/sdk.js';
import { deadline, pollUntil } from '../../core/abort.js';
import { ExitCode, FaultlineError, messageOf } from '../../core/errors.js';
import { formatDuration, formatSize, parseSize } from '../../core/units.js';
import { opts } from '../../kube/client.js';
import { statusOf } from '../../kube/errors.js';
import type { StandIO } from '../../core/stand-kind.js';
import { ensureTool, toolPins } from '../toolchain.js';
import { isReady, waitFor } from '../control-plane/api.js';
import { makePki, PLANE_CLIENTS, writeKubeconfig, type PkiSpec } from '../control-plane/certs.js';
import { PLANE_COMPONENTS, planeArgs, planeHealthUrl, planeHealthy, type ControlPlane, type PlaneComponent, type PlanePorts } from '../control-plane/components.js';
import { runs, logTail, spawnDetached, type ProcRecord } from '../../core/proc.js';
import { mountTmpfs } from '../local/drives.js';
import { describeAnswer, healthPath, httpStatus } from '../local/health.js';
import { installKernels } from '../local/kernel.js';
import { generateCredentials } from '../local/state.js';
import { bootNode } from './boot.js';
import { buildImage, importImage, minioImage, PAUSE, refOf, TOOLS, type ImageSpec } from './images.js';
import { kubeletClient, kubeletSubject, NODE_GRACE_S } from './kubelet.js';
import { APP_LABEL, BRIDGE_ADDRESS, CLUSTER, CONTEXT, DEFAULT_DRIVE_SIZE, HOST, NAMESPACE, endpointOf, planePorts, type ClusterLayout } from './layout.js';
import { credentialsSecret, disruptionBudget, namespace, persistentVolumes, service, statefulSet, storageClass } from './manifests.js';
import { createNetwork } from './network.js';
import { checkPorts } from './preflight.js';
import { saveCredentials, writeState, type ClusterState } from './state.js';

const BUILD_MS = 60 * 60_000;
const HEALTH_MS: Record<PlaneComponent, number> = { etcd: 30_000, 'kube-apiserver': 120_000, 'kube-controller-manager': 60_000, 'kube-scheduler': 60_000 };
const NODES_READY_MS = 180_000;
const PODS_READY_MS = 300_000;
const S3_HEALTHY_MS = 120_000;
export const TOOLS_NEEDED = [...PLANE_COMPONENTS, 'kubelet', 'minio'] as const;

export function controlPlane(l: ClusterLayout, ports: PlanePorts): ControlPlane {
  return {
    name: 'faultline-cluster',
    host: HOST,
    apiHost: BRIDGE_ADDRESS,
    ports,
    layout: l,
    nodeGraceS: NODE_GRACE_S,
    extra: {
      // logs and exec reach the kubelets on their node addresses
      'kube-apiserver': [`--kubelet-client-certificate=${l.cert('apiserver-kubelet-client')}`, `--kubelet-client-key=${l.key('apiserver-kubelet-client')}`, '--kubelet-preferred-address-types=InternalIP'],
    },
  };
}

export const apiServer = (ports: PlanePorts): string => `https://${BRIDGE_ADDRESS}:${ports.apiserver}`;

function pkiSpec(l: ClusterLayout): PkiSpec {
  return {
    caName: 'faultline-cluster-ca',
    clients: {
      ...PLANE_CLIENTS,
      'apiserver-kubelet-client': '/O=system:masters/CN=kube-apiserver-kubelet-client',
      ...Object.fromEntries(l.nodes.map((n) => [kubeletClient(n), kubeletSubject(n)])),
    },
    serverIps: [BRIDGE_ADDRESS, HOST],
  };
}

async function startComponent(c: PlaneComponent, bin: string, cp: ControlPlane, l: ClusterLayout, io: StandIO): Promise<ProcRecord> {
  const rec = await spawnDetached(c, bin, planeArgs(c, cp), l.log(c), l.root);
  const t = Date.now();
  await pollUntil(`${c} health (${planeHealthUrl(c, cp)})`, HEALTH_MS[c], io.signal, async (s) => {
    if (!runs(rec)) throw new FaultlineError('cluster-start', `${c} exited during start; the end of ${l.log(c)} follows`, { cause: new Error(await logTail(l.log(c))) });
    return (await planeHealthy(c, cp, s)) ? true : undefined;
  });
  io.log(`  ${c} healthy in ${formatDuration(Date.now() - t)} (pid ${rec.pid})`);
  return rec;
}

async function buildTools(io: StandIO): Promise<Record<(typeof TOOLS_NEEDED)[number], string>> {
  const bins = {} as Record<(typeof TOOLS_NEEDED)[number], string>;
  for (const t of TOOLS_NEEDED) {
    bins[t] = await ensureTool(t, deadline(io.signal, BUILD_MS), io.log).catch((err) => {
      throw new FaultlineError('cluster-build', `building ${t} for the cluster stand failed`, { hint: err instanceof FaultlineError ? err.hint : undefined, cause: err });
    });
  }
  return bins;
}

export function kubeConfigOf(l: ClusterLayout): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(l.kubeconfig);
  kc.setCurrentContext(CONTEXT);
  return kc;
}

async function create(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (statusOf(err) !== 409) throw err;
  }
}

async function deployStorage(kc: KubeConfig, l: ClusterLayout, state: ClusterState, creds: { accessKeyId: string; secretAccessKey: string }, signal: AbortSignal): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await create(() => core.createNamespace({ body: namespace() }, opts(signal)));
  await create(() => core.createNamespacedSecret({ namespace: NAMESPACE, body: credentialsSecret(creds) }, opts(signal)));
  await create(() => core.createNamespacedService({ namespace: NAMESPACE, body: service() }, opts(signal)));
  await create(() => kc.makeApiClient(PolicyV1Api).createNamespacedPodDisruptionBudget({ namespace: NAMESPACE, body: disruptionBudget() }, opts(signal)));
  await create(() => kc.makeApiClient(StorageV1Api).createStorageClass({ body: storageClass() }, opts(signal)));
  for (const pv of persistentVolumes(l, state.driveSize)) await create(() => core.createPersistentVolume({ body: pv }, opts(signal)));
  await create(() => kc.makeApiClient(AppsV1Api).createNamespacedStatefulSet({ namespace: NAMESPACE, body: statefulSet(l, state.images, state.driveSize) }, opts(signal)));
}

/** Validated against the kind's options schema (index.ts) before they get here. */
export interface ClusterOptions {
  driveSize?: string;
}

export async function bringUp(l: ClusterLayout, options: ClusterOptions, io: StandIO): Promise<ClusterState> {
  const { signal } = io;
  const started = Date.now();
  const sizeText = options.driveSize ?? DEFAULT_DRIVE_SIZE;
  const driveSize = parseSize(sizeText);
  if (!driveSize || driveSize < 64 * 1024 ** 2) throw new FaultlineError('invalid-option', `--drive-size ${sizeText}: must be a size of at least 64MiB, like 1GiB`, { exitCode: ExitCode.invalidInput });
  const ports = planePorts();
  await checkPorts(ports);
  const bins = await buildTools(io);
  io.log(`cluster stand: tools ready in ${formatDuration(Date.now() - started)}; starting in ${l.root}`);
  for (const d of [l.root, l.etc, l.logs, l.images]) await mkdir(d, { recursive: true, mode: 0o700 });
  const creds = generateCredentials();
  await saveCredentials(l, creds);
  const pins = toolPins();
  const minio: ImageSpec = minioImage(bins.minio, pins.minio!.version);
  const state: ClusterState = {
    version: 1,
    root: l.root,
    ports,
    tools: Object.fromEntries(TOOLS_NEEDED.map((t) => [t, pins[t]!.version])),
    kubelet: bins.kubelet,
    processes: [],
    images: { minio: refOf(minio), tools: refOf(TOOLS) },
    driveSize,
    endpoint: endpointOf(l.nodes[0]!),
    credentialsFile: l.credentialsFile,
    startedAt: new Date().toISOString(),
  };
  // written before anything is made, so a crash part-way leaves a record (down works without it too)
  await writeState(l, state);

  let t = Date.now();
  await createNetwork(l, ports, signal);
  for (const n of l.nodes) {
    for (const d of n.drives) await mountTmpfs(d, driveSize, signal);
    await installKernels(n.dir);
  }
  io.log(`  bridge, ${l.nodes.length} node namespaces and ${l.nodes.length * l.nodes[0]!.drives.length} tmpfs drives of ${formatSize(driveSize)} in ${formatDuration(Date.now() - t)}`);

  await makePki(l, pkiSpec(l), signal);
  const names = { cluster: CLUSTER, context: CONTEXT, server: apiServer(ports) };
  await writeKubeconfig(l, l.kubeconfig, 'admin', names);
  for (const c of ['kube-controller-manager', 'kube-scheduler'] as const) await writeKubeconfig(l, l.componentKubeconfig(c), c, names);
  for (const n of l.nodes) await writeKubeconfig(l, n.kubelet.kubeconfig, kubeletClient(n), names);
  const cp = controlPlane(l, ports);
  for (const c of PLANE_COMPONENTS) {
    state.processes.push(await startComponent(c, bins[c], cp, l, io));
    await writeState(l, state);
  }

  t = Date.now();
  const images = [PAUSE, TOOLS, minio];
  const tars = new Map<ImageSpec, string>();
  for (const spec of images) tars.set(spec, await buildImage(spec, l.images, signal));
  io.log(`  images ${images.map(refOf).join(', ')} built in ${formatDuration(Date.now() - t)}`);

  t = Date.now();
  await Promise.all(
    l.nodes.map(async (n) => {
      await bootNode(n, l, bins.kubelet, signal);
      for (const spec of images) await importImage(n, spec, tars.get(spec)!, signal);
    }),
  );
  io.log(`  ${l.nodes.length} nodes booted (containerd, kubelet, images imported) in ${formatDuration(Date.now() - t)}`);

  const kc = kubeConfigOf(l);
  t = Date.now();
  await waitFor(kc, { path: '/api/v1/nodes' }, `${l.nodes.length} nodes Ready`, NODES_READY_MS, signal, (nodes) =>
    l.nodes.every((n) => nodes.some((node) => node.metadata?.name === n.name && isReady(node))),
  );
  io.log(`  ${l.nodes.length} nodes Ready in ${formatDuration(Date.now() - t)}`);

  t = Date.now();
  await deployStorage(kc, l, state, creds, signal);
  const selector = Object.entries(APP_LABEL).map(([k, v]) => `${k}=${v}`).join(',');
  await waitFor(kc, { path: `/api/v1/namespaces/${NAMESPACE}/pods`, labelSelector: selector }, `${l.nodes.length} MinIO pods Ready`, PODS_READY_MS, signal, (pods) => pods.filter((p) => isPodReady(p)).length === l.nodes.length);
  const healthUrl = `${state.endpoint}${healthPath}`;
  let last = '';
  await pollUntil(`S3 cluster health (${healthUrl})`, S3_HEALTHY_MS, signal, async (s) => {
    const a = await httpStatus(healthUrl, s);
    last = describeAnswer(a);
    return a.status === 200 ? true : undefined;
  }, 500).catch((err) => {
    throw new FaultlineError('stand-unhealthy', `MinIO pods are Ready but the cluster is not healthy (last answer: ${last})`, { cause: err });
  });
  io.log(`  MinIO StatefulSet ${l.nodes.length}/${l.nodes.length} Ready and S3 healthy in ${formatDuration(Date.now() - t)}`);

  state.readyAt = new Date().toISOString();
  await writeState(l, state);
  io.log(`cluster stand up in ${formatDuration(Date.now() - started)} (${l.nodes.length} nodes, real kubelets and containers)`);
  io.log(`kubeconfig: ${l.kubeconfig} (context ${CONTEXT})`);
  io.log(`S3 endpoint: ${state.endpoint}; credentials: ${l.credentialsFile} (mode 0600)`);
  return state;
}

export function isPodReady(p: { metadata?: { deletionTimestamp?: unknown }; status?: { conditions?: { type: string; status: string }[] } }): boolean {
  return !p.metadata?.deletionTimestamp && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function describeFailure(err: unknown, l: ClusterLayout): FaultlineError {
  const hint = `logs: ${l.logs} (control plane), ${l.root}/nodes/<node>/{kubelet,containerd,node}.log; \`faultline stand down cluster\` removes everything`;
  if (err instanceof FaultlineError) return err.hint ? err : new FaultlineError(err.code, err.message, { hint, cause: err.cause, exitCode: err.exitCode });
  return new FaultlineError('cluster-up', `the cluster stand did not come up: ${messageOf(err)}`, { hint, cause: err });
}
