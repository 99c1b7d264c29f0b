/** Names, addresses and paths of the local stand; everything else derives from these. */
import { join } from 'node:path';
import { stateDir } from '../../core/files.js';

export type StandMode = 'netns' | 'loopback';

export const NODE_COUNT = 4;
export const DRIVES_PER_NODE = 4;
export const BRIDGE = 'fl-br0';
export const SUBNET_PREFIX = '10.251.0';
export const BRIDGE_ADDRESS = `${SUBNET_PREFIX}.1`;
export const S3_PORT = 9000;
export const CONSOLE_PORT = 9001;
/** Loopback mode: node i listens on LOOPBACK_PORT_BASE + i (console + 100). */
export const LOOPBACK_PORT_BASE = 19000;
export const DEFAULT_DRIVE_SIZE = '1GiB';
export const REGION = 'us-east-1';

/** nft tables the stand creates inside node namespaces (never on the host). */
export const POWER_TABLE = 'fl_power';
export const PARTITION_TABLE = 'fl_partition';

/** Names the stand owns on the system; `down` removes whatever matches, state.json or not. */
export const NETNS_RE = /^fl-node\d+$/;
export const VETH_RE = /^fl-node\d+-h$/;

export interface NodeLayout {
  name: string;
  /** netns mode only */
  netns?: string;
  veth?: string;
  address: string;
  port: number;
  consolePort: number;
  dir: string;
  drives: string[];
  log: string;
}

export function standRoot(): string {
  return stateDir('local');
}

export const statePath = (): string => join(standRoot(), 'state.json');
export const credentialsPath = (): string => join(standRoot(), 'credentials.json');
/** Outside the stand root, which `down` deletes. */
export const lockPath = (): string => stateDir('local.lock');

export function nodeNames(): string[] {
  return Array.from({ length: NODE_COUNT }, (_, i) => `node${i + 1}`);
}

export function nodeLayout(mode: StandMode, index: number, root = standRoot()): NodeLayout {
  const name = `node${index + 1}`;
  const dir = join(root, 'nodes', name);
  const drives = Array.from({ length: DRIVES_PER_NODE }, (_, d) => join(dir, 'drives', `d${d + 1}`));
  const base = { name, dir, drives, log: join(dir, 'node.log') };
  if (mode === 'loopback') {
    const port = LOOPBACK_PORT_BASE + index + 1;
    return { ...base, address: '127.0.0.1', port, consolePort: port + 100 };
  }
  return {
    ...base,
    netns: `fl-${name}`,
    veth: `fl-${name}-h`,
    address: `${SUBNET_PREFIX}.${11 + index}`,
    port: S3_PORT,
    consolePort: CONSOLE_PORT,
  };
}

export function layouts(mode: StandMode, root = standRoot()): NodeLayout[] {
  return Array.from({ length: NODE_COUNT }, (_, i) => nodeLayout(mode, i, root));
}

export const endpointOf = (n: NodeLayout): string => `http://${n.address}:${n.port}`;
