/** The kwok stand's work: up, down, status, open (the kind is declared in index.ts). */
import { access, rm } from 'node:fs/promises';
import { CoreV1Api, KubeConfig } from '../../kube/sdk.js';
import type { Capability, Stand } from '../../core/contracts.js';
import { deadline } from '../../core/abort.js';
import { FaultlineError, messageOf } from '../../core/errors.js';
import { cacheDir } from '../../core/files.js';
import type { StandIO, StandStatus } from '../../core/stand-kind.js';
import { opts } from '../../kube/client.js';
import { healthy } from './components.js';
import { kwokNodeDriver } from './driver.js';
import { COMPONENTS, CONTEXT, layout, portsFrom, type Layout } from './layout.js';
import { describeNode } from './nodes.js';
import { findOurs, recordOf, runs, stopPids, type ProcessRef } from '../../core/proc.js';
import { readState } from './state.js';
import { bringUp, describeFailure } from './up.js';

const STOP_GRACE_MS = 10_000;
const OPEN_MS = 10_000;

const UNSUPPORTED = new Map<Capability, string>([
  ['s3', 'the kwok stand simulates pods; no storage service runs'],
  ['network', 'kwok nodes have no network to partition'],
  ['disk', 'kwok nodes have no drives'],
  ['kernel', 'kwok nodes boot no kernel'],
  ['metrics', 'the kwok stand exposes no storage metrics'],
]);

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Stops every process of the stand (recorded or found by what it runs) and removes its directory. */
async function teardown(l: Layout, io: StandIO): Promise<{ stopped: number; killed: number[] }> {
  const state = await readState(l);
  const recorded = (state?.processes ?? []).filter(runs);
  const known = new Set(recorded.map((r) => r.pid));
  const strays = (await findOurs(l.root, cacheDir('tools'))).filter((pid) => !known.has(pid));
  const killed: number[] = [];
  // newest first: kwok and the controllers before the API server, etcd last
  const byComponent = [...recorded].sort((a, b) => COMPONENTS.indexOf(b.component as never) - COMPONENTS.indexOf(a.component as never));
  for (const r of byComponent) killed.push(...(await stopPids([r], STOP_GRACE_MS, io.signal)));
  const strayRecs = strays.map(recordOf).filter((r): r is ProcessRef => !!r);
  if (strayRecs.length) io.log(`  stopping ${strayRecs.length} unrecorded kwok stand process(es): ${strays.join(', ')}`);
  killed.push(...(await stopPids(strayRecs, STOP_GRACE_MS, io.signal)));
  await rm(l.root, { recursive: true, force: true, maxRetries: 3 });
  const left = await findOurs(l.root, cacheDir('tools'));
  if (left.length) throw new FaultlineError('kwok-down', `processes ${left.join(', ')} of the kwok stand are still running`);
  return { stopped: recorded.length + strayRecs.length, killed };
}

export async function up(io: StandIO): Promise<void> {
  const l = layout();
  const state = await readState(l);
  if (state?.readyAt && state.processes.every(runs) && (await healthy('kube-apiserver', l, state.ports, deadline(io.signal, 5_000)))) {
    io.log(`kwok stand is already up (since ${state.readyAt})`);
    io.log(`kubeconfig: ${l.kubeconfig}`);
    return;
  }
  if (state || (await exists(l.root))) {
    io.log('kwok stand: removing what a previous run left');
    await teardown(l, io);
  }
  try {
    await bringUp(l, io);
  } catch (err) {
    // stop what started, keep the logs for the operator
    const s = await readState(l);
    await Promise.all((s?.processes ?? []).map((r) => stopPids([r], STOP_GRACE_MS, AbortSignal.timeout(30_000)).catch(() => [])));
    throw describeFailure(err, l);
  }
}

export async function down(io: StandIO): Promise<void> {
  const t = Date.now();
  const l = layout();
  const { stopped, killed } = await teardown(l, io);
  const note = killed.length ? ` (${killed.length} needed SIGKILL)` : '';
  io.log(`kwok stand down in ${((Date.now() - t) / 1000).toFixed(1)} s: ${stopped} process(es) stopped${note}, ${l.root} removed`);
}

export async function status(io: StandIO): Promise<StandStatus> {
  const l = layout();
  const state = await readState(l);
  if (!state) return { up: false, lines: ['kwok stand is not up'] };
  const lines: string[] = [`state: ${l.root}`, `kubeconfig: ${l.kubeconfig}`];
  let allUp = !!state.readyAt;
  for (const c of COMPONENTS) {
    const rec = state.processes.find((r) => r.component === c);
    const alive = !!rec && runs(rec);
    const ok = alive && (await healthy(c, l, state.ports, deadline(io.signal, 5_000)));
    allUp &&= ok;
    lines.push(`${c.padEnd(24)} ${state.tools[c] ?? ''} ${rec ? `pid ${rec.pid}` : 'not started'} ${!rec ? '' : !alive ? 'exited' : ok ? 'healthy' : 'unhealthy'}`.trimEnd());
  }
  try {
    const kc = kubeConfigOf(l);
    const list = await kc.makeApiClient(CoreV1Api).listNode({}, opts(io.signal, { ms: 5_000 }));
    for (const n of list.items) lines.push(`node ${describeNode(n)}`);
  } catch (err) {
    allUp = false;
    lines.push(`nodes: cannot list (${messageOf(err)})`);
  }
  return { up: allUp, lines };
}

function kubeConfigOf(l: Layout): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(l.kubeconfig);
  kc.setCurrentContext(CONTEXT);
  return kc;
}

export async function open(signal: AbortSignal): Promise<Stand> {
  const l = layout();
  const state = await readState(l);
  if (!state?.readyAt) {
    throw new FaultlineError('stand-down', 'the kwok stand is not up', { hint: 'start it with `faultline stand up kwok`' });
  }
  if (!(await healthy('kube-apiserver', l, state.ports ?? portsFrom(), deadline(signal, OPEN_MS)))) {
    throw new FaultlineError('stand-unhealthy', `the kwok stand's API server does not answer (${l.root})`, {
      hint: 'see `faultline stand status kwok`; `faultline stand down kwok` then `up` restarts it',
    });
  }
  const kc = kubeConfigOf(l);
  return {
    name: 'kwok',
    driver: 'kwok',
    ref: 'kwok',
    protected: false,
    capabilities: new Set<Capability>(['kubernetes', 'nodes']),
    unsupported: UNSUPPORTED,
    kube: { kc, context: CONTEXT, kubeconfigPath: l.kubeconfig },
    nodes: kwokNodeDriver(kc, state.nodes),
    close: async () => {},
  };
}
