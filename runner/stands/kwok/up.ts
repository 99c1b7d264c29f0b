/** `faultline stand up kwok`: build, certify, start, register nodes, wait until Ready. */
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { KubeConfig } from '../../kube/sdk.js';
import { deadline, pollUntil } from '../../core/abort.js';
import { FaultlineError, messageOf } from '../../core/errors.js';
import type { StandIO } from '../../core/stand-kind.js';
import { ensureTool, toolPins } from '../toolchain.js';
import { isReady, waitFor } from '../control-plane/api.js';
import { makePki, PLANE_CLIENTS, writeKubeconfig, type PkiSpec } from '../control-plane/certs.js';
import { argsFor, healthUrl, healthy } from './components.js';
import { CLUSTER, COMPONENTS, CONTEXT, HOST, portsFrom, type Component, type Layout, type Ports } from './layout.js';
import { NODES, registerNodes } from './nodes.js';
import { runs, logTail, spawnDetached, type ProcRecord } from '../../core/proc.js';
import { writeKwokConfig } from './stages.js';
import { writeState, type KwokState } from './state.js';

/** Bound of building one tool (kube-apiserver takes the longest on 2 cores). */
const BUILD_MS = 60 * 60_000;
/** Bound of each component becoming healthy after it starts. */
const HEALTH_MS: Record<Component, number> = {
  etcd: 30_000,
  'kube-apiserver': 120_000,
  'kube-controller-manager': 60_000,
  'kube-scheduler': 60_000,
  kwok: 60_000,
};
const NODES_READY_MS = 120_000;

const PKI: PkiSpec = {
  caName: 'faultline-kwok-ca',
  // kwok writes node and pod status, leases, events and deletes pods on any node
  clients: { ...PLANE_CLIENTS, kwok: '/O=system:masters/CN=faultline-kwok' },
  serverIps: [HOST],
};
const SERVICE_ACCOUNT_MS = 60_000;

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, HOST, () => srv.close(() => resolve(true)));
  });
}

async function checkPorts(p: Ports): Promise<void> {
  const busy: number[] = [];
  for (const port of Object.values(p)) if (!(await portFree(port))) busy.push(port);
  if (busy.length) {
    throw new FaultlineError('kwok-ports', `ports ${busy.join(', ')} on ${HOST} are in use`, {
      hint: 'another kwok stand or program holds them; `faultline stand down kwok`, or set FAULTLINE_KWOK_PORT_BASE to move the stand',
    });
  }
}

/** Starts one component and waits until its health endpoint answers (or it exits). */
async function startComponent(c: Component, bin: string, l: Layout, p: Ports, io: StandIO): Promise<ProcRecord> {
  const rec = await spawnDetached(c, bin, argsFor(c, l, p), l.log(c), l.root);
  const t = Date.now();
  await pollUntil(`${c} health (${healthUrl(c, p)})`, HEALTH_MS[c], io.signal, async (s) => {
    if (!runs(rec)) {
      throw new FaultlineError('kwok-start', `${c} exited during start; the end of ${l.log(c)} follows`, { cause: new Error(await logTail(l.log(c))) });
    }
    return (await healthy(c, l, p, s)) ? true : undefined;
  });
  io.log(`  ${c} healthy in ${((Date.now() - t) / 1000).toFixed(1)} s (pid ${rec.pid})`);
  return rec;
}

/** Builds what is missing; returns component -> binary. */
async function buildAll(io: StandIO): Promise<Record<Component, string>> {
  const bins = {} as Record<Component, string>;
  for (const c of COMPONENTS) {
    bins[c] = await ensureTool(c, deadline(io.signal, BUILD_MS), io.log).catch((err) => {
      throw new FaultlineError('kwok-build', `building ${c} for the kwok stand failed`, {
        hint: err instanceof FaultlineError ? err.hint : undefined,
        cause: err,
      });
    });
  }
  return bins;
}

/** The controller-manager creates the default ServiceAccount; pods cannot be created before it. */
function waitServiceAccount(kc: KubeConfig, signal: AbortSignal): Promise<number> {
  const source = { path: '/api/v1/namespaces/default/serviceaccounts', fieldSelector: 'metadata.name=default' };
  return waitFor(kc, source, 'default ServiceAccount (controller-manager)', SERVICE_ACCOUNT_MS, signal, (accounts) => accounts.length > 0);
}

/** Everything after the directory is cleared; `state` is saved as processes start. */
export async function bringUp(l: Layout, io: StandIO): Promise<KwokState> {
  const started = Date.now();
  const ports = portsFrom();
  await checkPorts(ports);
  const bins = await buildAll(io);
  io.log(`kwok stand: tools ready in ${((Date.now() - started) / 1000).toFixed(0)} s; starting in ${l.root}`);
  for (const dir of [l.root, l.etc, l.logs]) await mkdir(dir, { recursive: true, mode: 0o700 });
  const pins = toolPins();
  const state: KwokState = {
    version: 1,
    root: l.root,
    ports,
    tools: Object.fromEntries(COMPONENTS.map((c) => [c, pins[c].version])),
    processes: [],
    nodes: NODES.map((n) => n.name),
    stages: [],
    startedAt: new Date().toISOString(),
  };
  await writeState(l, state);
  await makePki(l, PKI, io.signal);
  const names = { cluster: CLUSTER, context: CONTEXT, server: `https://${HOST}:${ports.apiserver}` };
  await writeKubeconfig(l, l.kubeconfig, 'admin', names);
  for (const c of ['kube-controller-manager', 'kube-scheduler', 'kwok'] as const) await writeKubeconfig(l, l.componentKubeconfig(c), c, names);
  state.stages = await writeKwokConfig(l.kwokConfig, io.signal);
  for (const c of COMPONENTS) {
    state.processes.push(await startComponent(c, bins[c], l, ports, io));
    await writeState(l, state);
  }
  const kc = new KubeConfig();
  kc.loadFromFile(l.kubeconfig);
  kc.setCurrentContext(CONTEXT);
  await registerNodes(kc, io.signal);
  const t = Date.now();
  await waitFor(kc, { path: '/api/v1/nodes' }, `${NODES.length} kwok nodes Ready`, NODES_READY_MS, io.signal, (nodes) =>
    NODES.every((n) => nodes.some((node) => node.metadata?.name === n.name && isReady(node))),
  );
  io.log(`  ${NODES.length} nodes Ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  await waitServiceAccount(kc, io.signal);
  state.readyAt = new Date().toISOString();
  await writeState(l, state);
  io.log(`kwok stand up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  io.log(`kubeconfig: ${l.kubeconfig}`);
  io.log(`  KUBECONFIG=${l.kubeconfig} kubectl get nodes -L topology.kubernetes.io/zone`);
  return state;
}

export function describeFailure(err: unknown, l: Layout): FaultlineError {
  if (err instanceof FaultlineError && /^(kwok|control-plane)-/.test(err.code)) return err;
  return new FaultlineError('kwok-up', `the kwok stand did not come up: ${messageOf(err)}`, {
    hint: `component logs are in ${l.logs}; \`faultline stand down kwok\` removes everything`,
    cause: err,
  });
}
