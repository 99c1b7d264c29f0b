/** What of the stand exists on the system right now, found by name (state.json or not). */
import { BRIDGE, standRoot } from './layout.js';
import { mountsUnder } from './drives.js';
import { linkExists, standNetns, standVeths } from './network.js';
import { pidsInNetns, pidsMatching } from '../../core/proc.js';
import { readState, type StandState } from './state.js';

export interface Presence {
  state?: StandState;
  namespaces: string[];
  veths: string[];
  bridge: boolean;
  mounts: string[];
  pids: number[];
}

/** MinIO processes started for this stand: their drive endpoints lie under the stand root. */
export function standServicePids(root = standRoot()): Promise<number[]> {
  return pidsMatching((argv) => argv[0]!.endsWith('/minio') && argv[1] === 'server' && argv.some((a) => a.includes(root + '/')));
}

export async function presence(signal: AbortSignal): Promise<Presence> {
  const root = standRoot();
  const state = await readState().catch(() => undefined);
  const namespaces = await standNetns();
  const pids = new Set(await standServicePids(root));
  for (const ns of namespaces) for (const pid of await pidsInNetns(ns)) pids.add(pid);
  return {
    state,
    namespaces,
    veths: await standVeths(signal),
    bridge: await linkExists(BRIDGE, signal),
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
