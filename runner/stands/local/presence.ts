/** What of a stand exists on the system right now, found by name (state.json or not). */
import { basename } from 'node:path';
import { standRoot, type Site } from './layout.js';
import { mountsUnder } from './drives.js';
import { linkExists, standNetns, standVeths } from './network.js';
import { pidsInNetns, pidsMatching } from '../../core/proc.js';
import { serverNames, storageServer } from './servers/index.js';
import { readState, type StandState } from './state.js';

export interface Presence {
  site: Site;
  state?: StandState;
  namespaces: string[];
  veths: string[];
  bridge: boolean;
  mounts: string[];
  pids: number[];
}

const serverBinaries = new Set(serverNames().map((s) => storageServer(s).tool));

/** Server processes started for this stand: their drives (or data dirs) lie under the stand root. */
export function standServicePids(root: string): Promise<number[]> {
  return pidsMatching((argv) => serverBinaries.has(basename(argv[0]!)) && argv[1] === 'server' && argv.some((a) => a.includes(root + '/')));
}

export async function presence(site: Site, signal: AbortSignal): Promise<Presence> {
  const root = standRoot(site);
  const state = await readState(site).catch(() => undefined);
  const namespaces = await standNetns(site.netnsRe);
  const pids = new Set(await standServicePids(root));
  for (const ns of namespaces) for (const pid of await pidsInNetns(ns)) pids.add(pid);
  return {
    site,
    state,
    namespaces,
    veths: await standVeths(signal, site.vethRe),
    bridge: await linkExists(site.bridge, signal),
    mounts: (await mountsUnder(root)).map((m) => m.target),
    pids: [...pids].sort((a, b) => a - b),
  };
}

/** Up: `up` finished, and in netns mode the bridge and every node namespace are there. */
export function isUp(p: Presence): boolean {
  const s = p.state;
  if (!s?.ready) return false;
  if (s.mode === 'loopback') return true;
  return p.bridge && Object.values(s.nodes).every((n) => p.namespaces.includes(n.layout.netns!));
}

export function isEmpty(p: Presence): boolean {
  return !p.state && !p.namespaces.length && !p.veths.length && !p.bridge && !p.mounts.length && !p.pids.length;
}
