/** state.json (what `up` made and how it started each node), the credentials file and the up/down lock. */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { acquireLock } from '../../core/lock.js';
import { FaultlineError } from '../../core/errors.js';
import { writeJson, writeSecretFile } from '../../core/files.js';
import { join } from 'node:path';
import { credentialsPath, lockPath, statePath, type NodeLayout, type Site, type StandMode } from './layout.js';

export interface NodeRecord {
  layout: NodeLayout;
  /** pid of the storage service as last started */
  pid?: number;
  /** the exact argv it was started with */
  command?: string[];
  /** non-secret environment; secret variables are listed by name only */
  env?: Record<string, string>;
  startedAt?: string;
}

export interface StandState {
  version: 1;
  mode: StandMode;
  createdAt: string;
  /** set once the cluster answered healthy; a state without it is a failed or crashed up */
  ready?: boolean;
  root: string;
  /** the stand's name (absent in states written before named stands: `local`) */
  name?: string;
  /** the storage server it runs (absent: minio) */
  server?: string;
  /** the server's binary (states from before the server seam have it as `minio`) */
  binary?: string;
  minio?: string;
  /** bytes per tmpfs drive (netns mode) */
  driveSize?: number;
  /** MinIO's own timeouts (stock) instead of the fast dead-peer detection faultline sets */
  minioDefaults?: boolean;
  endpoint: string;
  credentialsFile: string;
  nodes: Record<string, NodeRecord>;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export const serverOf = (s: StandState): string => s.server ?? 'minio';
export const binaryOf = (s: StandState): string => s.binary ?? s.minio!;

async function readStateFile(path: string): Promise<StandState | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as StandState;
  } catch (err) {
    throw new FaultlineError('local-state', `${path} is not valid JSON`, {
      cause: err,
      hint: 'faultline stand down <name> removes the stand by name, state file or not',
    });
  }
}

export function readState(site?: Site): Promise<StandState | undefined> {
  return readStateFile(statePath(site));
}

export async function writeState(state: StandState): Promise<void> {
  await writeJson(join(state.root, 'state.json'), state);
}

/** Read-modify-write of one node's record in the state under `root`. */
export async function updateNode(root: string, node: string, patch: Partial<NodeRecord>): Promise<void> {
  const state = await readStateFile(join(root, 'state.json'));
  if (!state?.nodes[node]) return;
  state.nodes[node] = { ...state.nodes[node]!, ...patch };
  await writeState(state);
}

export function generateCredentials(): Credentials {
  return {
    accessKeyId: `fl${randomBytes(9).toString('hex')}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
}

export async function saveCredentials(c: Credentials, site?: Site): Promise<string> {
  const path = credentialsPath(site);
  await writeSecretFile(path, JSON.stringify(c) + '\n');
  return path;
}

export async function loadCredentials(path: string): Promise<Credentials> {
  const c = JSON.parse(await readFile(path, 'utf8')) as Partial<Credentials>;
  if (!c.accessKeyId || !c.secretAccessKey) throw new FaultlineError('local-credentials', `${path} lacks accessKeyId or secretAccessKey`);
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
}

/** Serialises up and down of one stand across processes. */
export async function withLock<T>(site: Site, signal: AbortSignal, fn: () => Promise<T>, waitMs = 180_000): Promise<T> {
  const release = await acquireLock(lockPath(site), signal, waitMs, `the ${site.name} stand lock (another up or down is running)`);
  try {
    return await fn();
  } finally {
    await release();
  }
}
