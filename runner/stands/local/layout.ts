/**
 * Names, addresses and paths of a local stand; everything else derives from these.
 * Several local stands can be up at once: the default one is `local` (fl-node*, fl-br0,
 * 10.251.0.0/24); any other name gets a site index k in 1..254 from a hash of the name and
 * with it fl<k>-node*, fl<k>-br0 and 10.251.<k>.0/24 (all inside 10.251/16, clear of the
 * cluster stand's 10.252 and 10.253).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { stateDir } from '../../core/files.js';
import { ExitCode, FaultlineError } from '../../core/errors.js';

export type StandMode = 'netns' | 'loopback';

export const NODE_COUNT = 4;
export const DRIVES_PER_NODE = 4;
export const S3_PORT = 9000;
export const CONSOLE_PORT = 9001;
/** Loopback mode: node i of site k listens on LOOPBACK_PORT_BASE + 10k + i (console + 100). */
export const LOOPBACK_PORT_BASE = 19000;
export const DEFAULT_DRIVE_SIZE = '1GiB';
export const REGION = 'us-east-1';

/** nft tables the stand creates inside node namespaces (never on the host). */
export const POWER_TABLE = 'fl_power';
export const PARTITION_TABLE = 'fl_partition';

export const DEFAULT_NAME = 'local';
const NAME_RE = /^local(-[a-z0-9]+)*$/;

/** One local stand's share of the machine. */
export interface Site {
  name: string;
  /** 0 for `local`, 1..254 for the others */
  index: number;
  /** fl or fl<k>: namespaces, veths and the bridge start with it */
  prefix: string;
  bridge: string;
  subnetPrefix: string;
  bridgeAddress: string;
  /** Names the stand owns on the system; `down` removes whatever matches, state.json or not. */
  netnsRe: RegExp;
  vethRe: RegExp;
}

export function isLocalStandName(name: string): boolean {
  return NAME_RE.test(name) && name.length <= 40;
}

export function siteOf(name: string = DEFAULT_NAME): Site {
  if (!isLocalStandName(name)) {
    throw new FaultlineError('invalid-option', `${name}: a local stand's name is "local" or "local-<name>" (lower-case letters, digits, dashes; at most 40 characters)`, { exitCode: ExitCode.invalidInput });
  }
  const index = name === DEFAULT_NAME ? 0 : (createHash('sha256').update(name).digest().readUInt16BE(0) % 254) + 1;
  const prefix = index === 0 ? 'fl' : `fl${index}`;
  const subnetPrefix = `10.251.${index}`;
  return {
    name,
    index,
    prefix,
    bridge: `${prefix}-br0`,
    subnetPrefix,
    bridgeAddress: `${subnetPrefix}.1`,
    netnsRe: new RegExp(`^${prefix}-node\\d+$`),
    vethRe: new RegExp(`^${prefix}-node\\d+-h$`),
  };
}

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

export function standRoot(site: Site = siteOf()): string {
  return stateDir(site.name);
}

export const statePath = (site: Site = siteOf()): string => join(standRoot(site), 'state.json');
export const credentialsPath = (site: Site = siteOf()): string => join(standRoot(site), 'credentials.json');
/** Outside the stand root, which `down` deletes. */
export const lockPath = (site: Site = siteOf()): string => stateDir(`${site.name}.lock`);

export function nodeNames(): string[] {
  return Array.from({ length: NODE_COUNT }, (_, i) => `node${i + 1}`);
}

export function nodeLayout(mode: StandMode, index: number, root: string, site: Site): NodeLayout {
  const name = `node${index + 1}`;
  const dir = join(root, 'nodes', name);
  const drives = Array.from({ length: DRIVES_PER_NODE }, (_, d) => join(dir, 'drives', `d${d + 1}`));
  const base = { name, dir, drives, log: join(dir, 'node.log') };
  if (mode === 'loopback') {
    const port = LOOPBACK_PORT_BASE + site.index * 10 + index + 1;
    return { ...base, address: '127.0.0.1', port, consolePort: port + 100 };
  }
  return {
    ...base,
    netns: `${site.prefix}-${name}`,
    veth: `${site.prefix}-${name}-h`,
    address: `${site.subnetPrefix}.${11 + index}`,
    port: S3_PORT,
    consolePort: CONSOLE_PORT,
  };
}

export function layouts(mode: StandMode, site: Site, root = standRoot(site)): NodeLayout[] {
  return Array.from({ length: NODE_COUNT }, (_, i) => nodeLayout(mode, i, root, site));
}

export const endpointOf = (n: NodeLayout): string => `http://${n.address}:${n.port}`;
