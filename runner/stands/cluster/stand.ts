/** The cluster stand's work: up, down, open (status: status.ts); the kind is declared in index.ts. */
import type { Capability, Stand } from '../../core/contracts.js';
import { deadline } from '../../core/abort.js';
import { FaultlineError } from '../../core/errors.js';
import { formatDuration } from '../../core/units.js';
import type { StandIO } from '../../core/stand-kind.js';
import { planeHealthy } from '../control-plane/components.js';
import { runs } from '../../core/proc.js';
import { healthPath, metricsPath } from '../local/health.js';
import { withLockFile } from '../../core/lock.js';
import { describeRemoved, isEmpty, presence, stopAll, teardown } from './down.js';
import { ClusterNodeDriver } from './driver.js';
import { CONTEXT, layout, lockPath, REGION } from './layout.js';
import { loadCredentials, readState } from './state.js';
import { preflight } from './preflight.js';
import { bringUp, controlPlane, describeFailure, kubeConfigOf, type ClusterOptions } from './up.js';

export { status } from './status.js';

const OPEN_MS = 10_000;

const withLock = <T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> =>
  withLockFile(lockPath(), signal, 600_000, 'the cluster stand lock (another up or down is running)', fn);

/** Up and answering: `up` finished, the control plane runs and the API server is healthy. */
async function isRunning(signal: AbortSignal): Promise<boolean> {
  const l = layout();
  const s = await readState(l).catch(() => undefined);
  if (!s?.readyAt || !s.processes.every(runs)) return false;
  return planeHealthy('kube-apiserver', controlPlane(l, s.ports), deadline(signal, OPEN_MS));
}

export async function up(options: ClusterOptions, io: StandIO): Promise<void> {
  await withLock(io.signal, async () => {
    const l = layout();
    if (await isRunning(io.signal)) {
      const s = (await readState(l))!;
      io.log(`cluster stand is already up (since ${s.readyAt}): kubeconfig ${l.kubeconfig}, S3 endpoint ${s.endpoint}, credentials in ${s.credentialsFile}`);
      return;
    }
    await preflight(io.signal);
    const found = await presence(l, io.signal);
    if (!isEmpty(found)) {
      io.log('cluster stand: removing what an earlier stand left (it did not finish, or its processes are gone)');
      io.log(describeRemoved(await teardown(l, io.signal, found)));
    }
    try {
      await bringUp(l, options, io);
    } catch (err) {
      // stop what started; keep the files and logs for the operator (`stand down cluster` removes them)
      await stopAll(l, await presence(l, AbortSignal.timeout(30_000)), AbortSignal.timeout(60_000)).catch(() => 0);
      throw describeFailure(err, l);
    }
  });
}

export async function down(io: StandIO): Promise<void> {
  await withLock(io.signal, async () => {
    const l = layout();
    const p = await presence(l, io.signal);
    if (isEmpty(p)) {
      io.log('cluster stand is not up; nothing to remove');
      return;
    }
    const t = Date.now();
    const removed = await teardown(l, io.signal, p);
    io.log(`cluster stand down in ${formatDuration(Date.now() - t)}: ${describeRemoved(removed)}`);
  });
}

export async function open(signal: AbortSignal): Promise<Stand> {
  const l = layout();
  const s = await readState(l);
  if (!s?.readyAt) throw new FaultlineError('stand-not-up', 'the cluster stand is not up', { hint: 'faultline stand up cluster' });
  if (!(await isRunning(signal))) {
    throw new FaultlineError('stand-unhealthy', `the cluster stand's control plane does not answer (${l.root})`, {
      hint: 'see `faultline stand status cluster`; `faultline stand up cluster` rebuilds it',
    });
  }
  const credentials = await loadCredentials(l);
  return {
    name: 'cluster',
    driver: 'cluster',
    ref: 'cluster',
    protected: false,
    capabilities: new Set<Capability>(['s3', 'nodes', 'network', 'disk', 'kernel', 'kubernetes', 'metrics']),
    unsupported: new Map(),
    s3: { endpoint: s.endpoint, region: REGION, credentials },
    kube: { kc: kubeConfigOf(l), context: CONTEXT, kubeconfigPath: l.kubeconfig },
    nodes: new ClusterNodeDriver(l, s.kubelet),
    metricsUrl: `${s.endpoint}${metricsPath}`,
    healthUrl: `${s.endpoint}${healthPath}`,
    drives: Object.fromEntries(l.nodes.map((n) => [n.name, [...n.drives]])),
    close: async () => {},
  };
}
