/**
 * Cluster stand figures (a script, not a test), measured on the real stand:
 * down and up times (tools cached), resident memory of every stand process at rest,
 * power-off -> NotReady, and pod kill -> MinIO pod Ready again.
 * Usage: node dist/bench/cluster-stand.js [--skip-up]   (holds the stand for its duration)
 */
import { readdir, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import type { Context } from '../runner/core/contracts.js';
import { formatSize } from '../runner/core/units.js';
import { opts } from '../runner/kube/client.js';
import { waitFor, isReady } from '../runner/stands/control-plane/api.js';
import type { KubeObject } from '../runner/kube/watch.js';
import { clusterStand } from '../runner/stands/cluster/index.js';
import { APP_LABEL, layout, NAMESPACE, standRoot } from '../runner/stands/cluster/layout.js';
import { nodePids } from '../runner/stands/cluster/node.js';
import { isPodReady } from '../runner/stands/cluster/up.js';
import type { ClusterNodeDriver } from '../runner/stands/cluster/driver.js';
import { defaultCatalog } from '../runner/catalog.js';

const { values: args } = parseArgs({ options: { 'skip-up': { type: 'boolean', default: false } } });
const log = (line: string) => process.stdout.write(line + '\n');
const io = { signal: AbortSignal.timeout(3_600_000), log: () => {} };
const selector = Object.entries(APP_LABEL).map(([k, v]) => `${k}=${v}`).join(',');

/** Sum of VmRSS of the stand's processes: the control plane (its arguments name the stand root) and everything of every node. */
async function standRss(): Promise<{ bytes: number; processes: number; byName: Record<string, number> }> {
  const root = standRoot();
  const pids = new Set<string>();
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const argv = await readFile(`/proc/${e}/cmdline`, 'utf8').catch(() => '');
    if (argv.includes(root + '/')) pids.add(e);
  }
  for (const n of layout().nodes) for (const pid of await nodePids(n)) pids.add(String(pid));
  let bytes = 0;
  let processes = 0;
  const byName: Record<string, number> = {};
  for (const e of pids) {
    const status = await readFile(`/proc/${e}/status`, 'utf8').catch(() => '');
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    const name = /^Name:\s+(\S+)/m.exec(status)?.[1] ?? '?';
    bytes += kb * 1024;
    processes++;
    byName[name] = (byName[name] ?? 0) + kb * 1024;
  }
  return { bytes, processes, byName };
}

if (!args['skip-up']) {
  const t0 = performance.now();
  await clusterStand.down('cluster', io);
  const down = performance.now() - t0;
  const t1 = performance.now();
  await clusterStand.up('cluster', {}, io);
  log(`cluster stand: down ${(down / 1000).toFixed(1)} s, up (tools cached) ${((performance.now() - t1) / 1000).toFixed(1)} s`);
}
const stand = await clusterStand.open('cluster', AbortSignal.timeout(30_000));
const kc = stand.kube!.kc;
await new Promise((r) => setTimeout(r, 30_000)); // at rest
const rss = await standRss();
log(`resident memory at rest: ${formatSize(rss.bytes)} over ${rss.processes} processes (${Object.entries(rss.byName).sort((a, b) => b[1] - a[1]).map(([n, b]) => `${n} ${formatSize(b)}`).join(', ')})`);

const d = stand.nodes as ClusterNodeDriver;
const t2 = Date.now();
await d.powerOff('node4', AbortSignal.timeout(120_000));
const notReady = await waitFor(kc, { path: '/api/v1/nodes', fieldSelector: 'metadata.name=node4' }, 'node4 NotReady', 120_000, io.signal, (ns) => !!ns[0] && !isReady(ns[0]));
log(`power-off -> NotReady: ${((notReady - t2) / 1000).toFixed(1)} s`);
const t4 = Date.now();
await d.powerOn('node4', AbortSignal.timeout(300_000));
const allReady = (pods: KubeObject[]) => pods.filter((p) => isPodReady(p as never)).length === 4;
await waitFor(kc, { path: `/api/v1/namespaces/${NAMESPACE}/pods`, labelSelector: selector }, '4 pods Ready', 300_000, io.signal, allReady);
log(`power-on -> all 4 MinIO pods Ready: ${((Date.now() - t4) / 1000).toFixed(1)} s`);

const ctx: Context = { signal: AbortSignal.timeout(300_000), stand, emit: () => {}, workloads: { get: () => undefined }, seed: 3, runId: 'bench' };
const kill = defaultCatalog().faults.get('pod.kill')!;
const spec = { namespace: NAMESPACE, selector: { ...APP_LABEL }, count: 1 };
const undo = await kill.prepare(spec, ctx);
const t3 = Date.now();
const details = (await kill.inject(spec, undo, ctx)) as { pods: string[]; uids: string[] };
const back = await waitFor(kc, { path: `/api/v1/namespaces/${NAMESPACE}/pods`, labelSelector: selector }, 'replacement Ready', 300_000, io.signal, (pods) =>
  pods.some((p) => p.metadata?.name === details.pods[0] && p.metadata?.uid !== details.uids[0] && isPodReady(p as never)),
);
log(`pod kill -> MinIO pod Ready again: ${((back - t3) / 1000).toFixed(1)} s (${details.pods[0]})`);
const pods = (await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NAMESPACE, labelSelector: selector }, opts(io.signal))).items;
log(`pods: ${pods.map((p) => `${p.metadata?.name}@${p.spec?.nodeName} ${isPodReady(p) ? 'Ready' : 'not ready'}`).join(', ')}`);
