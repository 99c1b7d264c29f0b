/** state.json of the cluster stand: what `up` made, at which versions; the credentials file. */
import { readFile } from 'node:fs/promises';
import { FaultlineError } from '../../core/errors.js';
import { writeJson, writeSecretFile } from '../../core/files.js';
import type { PlanePorts } from '../control-plane/components.js';
import type { ProcRecord } from '../../core/proc.js';
import type { ClusterLayout } from './layout.js';
import type { Images } from './manifests.js';

export interface ClusterState {
  version: 1;
  root: string;
  ports: PlanePorts;
  /** tool -> pinned version */
  tools: Record<string, string>;
  kubelet: string;
  /** control-plane components (node daemons are found in their namespaces) */
  processes: ProcRecord[];
  images: Images;
  /** bytes per tmpfs drive */
  driveSize: number;
  endpoint: string;
  credentialsFile: string;
  startedAt: string;
  /** set when `up` finished: nodes Ready, MinIO pods Ready, S3 healthy */
  readyAt?: string;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export async function readState(l: ClusterLayout): Promise<ClusterState | undefined> {
  const text = await readFile(l.stateFile, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as ClusterState;
  } catch (err) {
    throw new FaultlineError('cluster-state', `${l.stateFile} is not valid JSON`, { cause: err, hint: '`faultline stand down cluster` removes the stand by name, state file or not' });
  }
}

export const writeState = (l: ClusterLayout, s: ClusterState): Promise<void> => writeJson(l.stateFile, s);

export const saveCredentials = (l: ClusterLayout, c: Credentials): Promise<void> => writeSecretFile(l.credentialsFile, JSON.stringify(c) + '\n');

export async function loadCredentials(l: ClusterLayout): Promise<Credentials> {
  const c = JSON.parse(await readFile(l.credentialsFile, 'utf8')) as Partial<Credentials>;
  if (!c.accessKeyId || !c.secretAccessKey) throw new FaultlineError('cluster-credentials', `${l.credentialsFile} lacks accessKeyId or secretAccessKey`);
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
}
