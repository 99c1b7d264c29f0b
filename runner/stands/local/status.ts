/** `faultline stand status <name>`: server, nodes, addresses, processes, drives, kernel and cluster health. */
import { formatSize } from '../../core/units.js';
import type { StandIO, StandStatus } from '../../core/stand-kind.js';
import { fileSize, fillPath, usage } from './drives.js';
import { defaultKernel, runningKernel } from './kernel.js';
import { isDropping, blockedPeers } from './network.js';
import { isUp, isEmpty, presence } from './presence.js';
import { procState } from '../../core/proc.js';
import type { Site } from './layout.js';
import { serverFor, servicePids } from './service.js';

const stateWords: Record<string, string> = { T: 'paused (SIGSTOP)', t: 'paused', Z: 'dead' };

export async function status(site: Site, io: StandIO): Promise<StandStatus> {
  const { signal } = io;
  const p = await presence(site, signal);
  const s = p.state;
  if (!s || !isUp(p)) {
    const lines = [`${site.name} stand: down`];
    if (!isEmpty(p)) {
      lines.push(`leftovers: ${p.namespaces.length} namespaces, ${p.mounts.length} mounts, ${p.pids.length} processes${p.bridge ? ', bridge' : ''}; \`faultline stand down ${site.name}\` removes them`);
    }
    return { up: false, lines };
  }
  const server = serverFor(s);
  const lines = [
    `${site.name} stand: up (${s.mode} mode) since ${s.createdAt}`,
    `server: ${server.name} (${server.summary}); bridge ${site.bridge}, subnet ${site.subnetPrefix}.0/24`,
    `S3 endpoint ${s.endpoint}; credentials in ${s.credentialsFile}`,
    `cluster health: ${(await server.readiness(s, signal)).detail}`,
  ];
  for (const { layout: n } of Object.values(s.nodes)) {
    const off = n.netns ? await isDropping(n.netns, signal) : false;
    const pids = await servicePids(s, n);
    const st = pids.length ? await procState(pids[0]!) : undefined;
    const svc = pids.length ? `${server.title} pid ${pids[0]} ${stateWords[st ?? ''] ?? 'running'}` : `${server.title} not running`;
    const blocked = n.netns ? await blockedPeers(n.netns, signal) : [];
    const running = await runningKernel(n.dir);
    const dflt = await defaultKernel(n.dir).catch(() => '?');
    const kernel = running === dflt ? `kernel ${running}` : `kernel ${running} (next boot ${dflt})`;
    lines.push(
      `${n.name}  ${n.address}:${n.port}  ${n.netns ?? 'loopback'}  power ${off ? 'off' : 'on'}  ${svc}  ${kernel}` +
        (blocked.length ? `  partitioned from ${blocked.join(', ')}` : ''),
    );
    for (const d of n.drives) {
      const u = await usage(d).catch(() => undefined);
      const filler = await fileSize(fillPath(d));
      const used = u ? `${formatSize(u.used)} / ${formatSize(u.size)} used (${Math.round((100 * u.used) / u.size)}%)` : 'missing';
      lines.push(`  ${d}  ${used}${filler ? `, filler ${formatSize(filler)}` : ''}`);
    }
  }
  return { up: true, lines };
}
