/** Tears the local stand down from what exists on the system, so it also works after a crash. */
import { rm } from 'node:fs/promises';
import { PARTITION_TABLE, POWER_TABLE, standRoot, type Site } from './layout.js';
import { unmount } from './drives.js';
import { run } from './exec.js';
import { deleteLink, deleteNetns } from './network.js';
import { presence, type Presence } from './presence.js';
import { signalAll, waitGone } from '../../core/proc.js';

export interface Removed {
  processes: number;
  namespaces: number;
  links: number;
  mounts: number;
  nftTables: number;
  stateDir: boolean;
}

/** Our tables only ever live inside node namespaces; remove any that leaked onto the host. */
async function removeHostTables(signal: AbortSignal): Promise<number> {
  const r = await run('nft', ['list', 'tables'], signal, { allowFailure: true });
  let n = 0;
  for (const table of [POWER_TABLE, PARTITION_TABLE]) {
    if (r.stdout.split('\n').some((l) => l.trim() === `table inet ${table}`)) {
      await run('nft', ['delete', 'table', 'inet', table], signal);
      n++;
    }
  }
  return n;
}

export async function teardown(site: Site, signal: AbortSignal, found?: Presence): Promise<Removed> {
  const p = found ?? (await presence(site, signal));
  // Processes first: they hold the mounts and live in the namespaces.
  signalAll(p.pids, 'SIGKILL');
  await waitGone(p.pids, 15_000, signal, 'stand processes to die');
  for (const ns of p.namespaces) await deleteNetns(ns, signal);
  // veth ends normally vanish with their namespace; delete what is left, then the bridge.
  let links = 0;
  for (const v of p.veths) if (await deleteLink(v, signal)) links++;
  if (p.bridge && (await deleteLink(site.bridge, signal))) links++;
  for (const m of p.mounts) await unmount(m, signal);
  const nftTables = await removeHostTables(signal);
  const root = standRoot(site);
  await rm(root, { recursive: true, force: true });
  return {
    processes: p.pids.length,
    namespaces: p.namespaces.length,
    links,
    mounts: p.mounts.length,
    nftTables,
    stateDir: !!p.state,
  };
}

export function describeRemoved(r: Removed): string {
  const parts = [
    `${r.processes} process${r.processes === 1 ? '' : 'es'}`,
    `${r.namespaces} namespace${r.namespaces === 1 ? '' : 's'}`,
    `${r.links} link${r.links === 1 ? '' : 's'}`,
    `${r.mounts} mount${r.mounts === 1 ? '' : 's'}`,
  ];
  if (r.nftTables) parts.push(`${r.nftTables} stray nft table(s)`);
  return `removed ${parts.join(', ')}${r.stateDir ? ' and the state dir' : ''}`;
}
