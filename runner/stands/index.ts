/** Resolves `--stand <name|file>` to a running Stand. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { homedir } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import type { Capability, KubeTarget, NodeDriver, Stand } from '../core/contracts.js';
import { FaultlineError, InvalidInputError } from '../core/errors.js';
import { packageRoot } from '../core/files.js';
import { readYaml, validateAgainst } from '../scenario/yaml-document.js';
import { embeddedStand, embeddedStandNames } from './embedded.js';
import standSchema from './stand.schema.json' with { type: 'json' };
import { nodeDriverFor } from './node-drivers.js';

export interface StandFile {
  apiVersion: 'faultline/v1';
  kind: 'Stand';
  metadata: { name: string; description?: string };
  spec: {
    embedded?: 'local' | 'kwok';
    instance?: string;
    server?: 'minio' | 'seaweedfs' | 'rustfs';
    protected?: boolean;
    kubernetes?: { kubeconfig?: string; context?: string };
    s3?: { endpoint: string; region?: string; credentialsFile?: string };
    health?: string;
    metrics?: string;
    nodes?: NodeSpec;
  };
}

export interface NodeSpec {
  driver: 'kwok' | 'kind' | 'ssh';
  hosts?: Record<string, Record<string, string | number>>;
  commands?: Record<string, string>;
  ssh?: { connectTimeout?: string; commandTimeout?: string; rebootTimeout?: string; options?: string[]; sudo?: boolean };
  kind?: {
    cluster?: string;
    network?: string;
    powerOff?: 'kill' | 'pause';
    unit?: string;
    process?: string;
    docker?: string;
    commandTimeout?: string;
  };
}

/** Finds the stand file for a name: a path, ./stands/<name>.yaml, or the shipped stands/<name>.yaml. */
export function standFilePath(ref: string): string | undefined {
  const candidates = [ref, join('stands', `${ref}.yaml`), join(packageRoot(), 'stands', `${ref}.yaml`)];
  for (const c of candidates) if (/\.ya?ml$/.test(c) && existsSync(c)) return resolve(c);
  return undefined;
}

export async function loadStandFile(file: string): Promise<StandFile> {
  const { doc, problems } = await readYaml(file);
  if (!doc) throw new InvalidInputError(problems);
  const schemaProblems = validateAgainst(doc, standSchema);
  const spec = (doc.value as StandFile).spec ?? {};
  if (!schemaProblems.length && spec.embedded && (spec.s3 || spec.nodes || spec.kubernetes)) {
    schemaProblems.push(doc.problem(['spec', 'embedded'], 'an embedded stand brings its own s3, nodes and kubernetes; remove them'));
  }
  for (const field of ['instance', 'server'] as const) {
    if (!schemaProblems.length && spec[field] !== undefined && spec.embedded !== 'local') {
      schemaProblems.push(doc.problem(['spec', field], `${field} is only for embedded: local`));
    }
  }
  if (schemaProblems.length) throw new InvalidInputError(schemaProblems);
  return doc.value as StandFile;
}

function loadKube(spec: NonNullable<StandFile['spec']['kubernetes']>, standName: string): KubeTarget {
  const kc = new KubeConfig();
  const path = spec.kubeconfig ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config');
  try {
    kc.loadFromFile(path);
  } catch (err) {
    throw new FaultlineError('stand-kubeconfig', `stand ${standName}: cannot read kubeconfig ${path}`, { cause: err });
  }
  const context = spec.context ?? kc.getCurrentContext();
  if (!kc.getContextObject(context)) {
    throw new FaultlineError('stand-context', `stand ${standName}: context "${context}" is not in ${path}`, {
      hint: `contexts there: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}`,
    });
  }
  // Only the named context is ever used.
  kc.setCurrentContext(context);
  return { kc, context, kubeconfigPath: path };
}

function loadCredentials(file: string, standName: string): { accessKeyId: string; secretAccessKey: string } {
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as { accessKeyId?: string; secretAccessKey?: string };
    if (c.accessKeyId && c.secretAccessKey) return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
  } catch (err) {
    throw new FaultlineError('stand-credentials', `stand ${standName}: cannot read credentials file ${file}`, { cause: err });
  }
  throw new FaultlineError('stand-credentials', `stand ${standName}: ${file} needs accessKeyId and secretAccessKey`);
}

/** A stand built from a stand file that points at an existing cluster. */
function fileStand(file: string, sf: StandFile): Stand {
  const name = sf.metadata.name;
  const caps = new Set<Capability>();
  const kube = sf.spec.kubernetes ? loadKube(sf.spec.kubernetes, name) : undefined;
  if (kube) caps.add('kubernetes');
  const s3 = sf.spec.s3
    ? {
        endpoint: sf.spec.s3.endpoint,
        region: sf.spec.s3.region ?? 'us-east-1',
        credentials: sf.spec.s3.credentialsFile ? loadCredentials(resolve(file, '..', sf.spec.s3.credentialsFile), name) : undefined,
      }
    : undefined;
  if (s3) caps.add('s3');
  if (sf.spec.metrics) caps.add('metrics');
  let nodes: NodeDriver | undefined;
  if (sf.spec.nodes) {
    const made = nodeDriverFor(sf.spec.nodes, { standName: name, kube });
    nodes = made.driver;
    for (const c of made.capabilities) caps.add(c);
  }
  return {
    name,
    driver: sf.spec.nodes?.driver ?? 'file',
    ref: file,
    protected: sf.spec.protected ?? false,
    capabilities: caps,
    unsupported: new Map(),
    s3,
    kube,
    nodes,
    metricsUrl: sf.spec.metrics,
    healthUrl: sf.spec.health,
    close: async () => {},
  };
}

/** `--stand local`, `--stand kwok`, `--stand big`, `--stand ./stands/big.yaml`. */
export async function resolveStand(ref: string, signal: AbortSignal): Promise<Stand> {
  const file = standFilePath(ref);
  if (!file) {
    const embedded = await embeddedStand(ref);
    if (embedded) return embedded.open(signal);
    throw new FaultlineError('stand-unknown', `no stand "${ref}"`, {
      exitCode: 2,
      hint: `give a stand file, a name from ./stands/, or an embedded stand (${embeddedStandNames().join(', ')})`,
    });
  }
  const sf = await loadStandFile(file);
  if (sf.spec.embedded) {
    const which = sf.spec.instance ?? sf.spec.embedded;
    const embedded = await embeddedStand(which);
    if (!embedded) throw new FaultlineError('stand-unknown', `${file}: embedded stand "${which}" is not available`);
    const stand = await embedded.open(signal);
    const server = stand.storage?.server;
    if (sf.spec.server && server !== sf.spec.server) {
      await stand.close();
      throw new FaultlineError('stand-server', `${file} wants ${sf.spec.server}, but the ${which} stand runs ${server}`, {
        hint: `faultline stand down ${which}, then faultline stand up ${file}`,
      });
    }
    return { ...stand, name: sf.metadata.name, ref: file, protected: sf.spec.protected ?? stand.protected, close: () => stand.close() };
  }
  return fileStand(file, sf);
}
