/** `faultline stand status cluster`: control plane, nodes (Ready, kubelet and runtime pids), pods per node, drives, S3 health. */
import type { V1Pod } from '@kubernetes/client-node';
import { CoreV1Api } from '../../kube/sdk.js';
import { deadline } from '../../core/abort.js';
import { messageOf } from '../../core/errors.js';
import { formatSize } from '../../core/units.js';
import { opts } from '../../kube/client.js';
import type { StandIO, StandStatus } from '../../core/stand-kind.js';
import { isReady } from '../control-plane/api.js';
import { PLANE_COMPONENTS, planeHealthy } from '../control-plane/components.js';
import { runs } from '../../core/proc.js';
import { fileSize, fillPath, usage } from '../local/drives.js';
import { describeAnswer, healthPath, httpStatus } from '../local/health.js';
import { defaultKernel, runningKernel } from '../local/kernel.js';
import { blockedPeers, isDropping } from '../local/network.js';
import { isEmpty, presence } from './down.js';
import { layout, NAMESPACE, type ClusterLayout } from './layout.js';
import { daemonPids } from './node.js';
import { poolOnline } from './pool.js';
import { controlPlane, isPodReady, kubeConfigOf } from './up.js';

function describePod(p: V1Pod): string {
  const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
  const waiting = statuses.map((c) => c.state?.waiting?.reason).find(Boolean);
  const restarts = (p.status?.containerStatuses ?? []).reduce((s, c) => s + (c.restartCount ?? 0), 0);
  const phase = p.metadata?.deletionTimestamp ? 'Terminating' : isPodReady(p) ? 'Ready' : (waiting ?? p.status?.phase ?? 'Pending');
  return `${p.metadata?.namespace}/${p.metadata?.name} ${phase}${restarts ? ` (${restarts} restart${restarts === 1 ? '' : 's'})` : ''}`;
}

async function nodeLines(l: ClusterLayout, io: StandIO): Promise<{ lines: string[]; ready: number }> {
  const kc = kubeConfigOf(l);
  const core = kc.makeApiClient(CoreV1Api);
  const [nodes, pods] = await Promise.all([core.listNode({}, opts(io.signal, { ms: 5_000 })), core.listPodForAllNamespaces({}, opts(io.signal, { ms: 5_000 }))]);
  const lines: string[] = [];
  let ready = 0;
  for (const n of l.nodes) {
    const obj = nodes.items.find((x) => x.metadata?.name === n.name);
    const r = obj ? isReady(obj) : false;
    if (r) ready++;
    const d = await daemonPids(n);
    const off = await isDropping(n.netns, io.signal);
    const blocked = await blockedPeers(n.netns, io.signal);
    const running = await runningKernel(n.dir).catch(() => undefined);
    const next = await defaultKernel(n.dir).catch(() => '?');
    const pool = (await poolOnline(n)) ? 'online' : 'offline';
    const pid = (xs: number[]) => (xs.length ? `pid ${xs.join(',')}` : 'not running');
    lines.push(
      `${n.name} ${n.address} ${obj ? (r ? 'Ready' : 'NotReady') : 'not registered'}${obj?.spec?.unschedulable ? ' cordoned' : ''}  power ${off ? 'off' : 'on'}  kubelet ${pid(d.kubelet)}  containerd ${pid(d.containerd)}  kernel ${running ?? '-'}${running !== next ? ` (next boot ${next})` : ''}  pool ${pool}` +
        (blocked.length ? `  partitioned from ${blocked.join(', ')}` : ''),
    );
    for (const p of pods.items.filter((x) => x.spec?.nodeName === n.name)) lines.push(`  pod ${describePod(p)}`);
    for (const dr of n.drives) {
      const u = await usage(dr).catch(() => undefined);
      const filler = await fileSize(fillPath(dr));
      lines.push(`  drive ${dr} ${u ? `${formatSize(u.used)} / ${formatSize(u.size)} used` : 'missing'}${filler ? `, filler ${formatSize(filler)}` : ''}`);
    }
  }
  const pending = pods.items.filter((p) => !p.spec?.nodeName && p.metadata?.namespace === NAMESPACE);
  for (const p of pending) lines.push(`unscheduled pod ${describePod(p)}`);
  return { lines, ready };
}

export async function status(io: StandIO): Promise<StandStatus> {
  const l = layout();
  const p = await presence(l, io.signal);
  const s = p.state;
  if (!s?.readyAt) {
    const lines = [s ? `cluster stand: not ready (up started ${s.startedAt} did not finish)` : 'cluster stand: down'];
    if (!isEmpty(p)) lines.push(`leftovers: ${p.namespaces.length} namespaces, ${p.mounts.length} mounts, ${p.plane.length + p.nodes.length} processes${p.bridge ? ', bridge' : ''}; \`faultline stand down cluster\` removes them`);
    return { up: false, lines };
  }
  const lines = [`cluster stand: up since ${s.readyAt} (${l.root})`, `kubeconfig: ${l.kubeconfig}`, `S3 endpoint ${s.endpoint}; credentials in ${s.credentialsFile}`];
  const cp = controlPlane(l, s.ports);
  let up = true;
  for (const c of PLANE_COMPONENTS) {
    const rec = s.processes.find((r) => r.component === c);
    const alive = !!rec && runs(rec);
    const ok = alive && (await planeHealthy(c, cp, deadline(io.signal, 5_000)));
    up &&= ok;
    lines.push(`${c.padEnd(24)} ${s.tools[c] ?? ''} ${rec ? `pid ${rec.pid}` : 'not started'} ${!rec ? '' : !alive ? 'exited' : ok ? 'healthy' : 'unhealthy'}`.trimEnd());
  }
  try {
    const nodes = await nodeLines(l, io);
    lines.push(...nodes.lines);
  } catch (err) {
    up = false;
    lines.push(`nodes: cannot list (${messageOf(err)})`);
  }
  lines.push(`S3 cluster health: ${describeAnswer(await httpStatus(`${s.endpoint}${healthPath}`, io.signal))}`);
  return { up, lines };
}
