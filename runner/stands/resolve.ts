/** Resolves `--stand <name|file>` to a running Stand, through the catalog's stand kinds and node drivers. */
import { readFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { homedir } from 'node:os';
import { KubeConfig } from '../kube/sdk.js';
import type { Capability, KubeTarget, NodeDriver, Stand } from '../core/contracts.js';
import type { Catalog } from '../core/catalog.js';
import type { StandKind } from '../core/stand-kind.js';
import { ExitCode, FaultlineError } from '../core/errors.js';
import { embeddedNamePattern, loadStandFile, standFilePath, type StandFile } from './stand-file.js';

/** The stand kind an embedded name belongs to: `local`, or `local-seaweedfs` for a kind with instances. */
export function standKindOf(name: string, catalog: Catalog): StandKind | undefined {
  return [...catalog.stands.values()].find((k) => new RegExp(embeddedNamePattern(k)).test(name));
}

export function embeddedNames(catalog: Catalog): string {
  return [...catalog.stands.values()].map((k) => (k.instances ? `${k.name}[-<name>]` : k.name)).join(', ');
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
function fileStand(file: string, sf: StandFile, catalog: Catalog): Stand {
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
    // the schema only lets known drivers through
    const made = catalog.nodeDrivers.get(sf.spec.nodes.driver)!.make(sf.spec.nodes, { standName: name, kube });
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
export async function resolveStand(ref: string, catalog: Catalog, signal: AbortSignal): Promise<Stand> {
  const file = standFilePath(ref);
  if (!file) {
    const kind = standKindOf(ref, catalog);
    if (kind) return kind.open(ref, signal);
    throw new FaultlineError('stand-unknown', `no stand "${ref}"`, {
      exitCode: ExitCode.invalidInput,
      hint: `give a stand file, a name from ./stands/, or an embedded stand (${embeddedNames(catalog)})`,
    });
  }
  const sf = await loadStandFile(file, catalog);
  const embedded = sf.spec.embedded;
  if (embedded) {
    // the schema only lets names of known kinds through
    const stand = await standKindOf(embedded, catalog)!.open(embedded, signal);
    const wanted = sf.spec.options?.server;
    if (wanted !== undefined && stand.storage?.server !== wanted) {
      await stand.close();
      throw new FaultlineError('stand-server', `${file} wants ${String(wanted)}, but the ${embedded} stand runs ${stand.storage?.server ?? 'something else'}`, {
        hint: `faultline stand down ${embedded}, then faultline stand up ${file}`,
      });
    }
    return { ...stand, name: sf.metadata.name, ref: file, protected: sf.spec.protected ?? stand.protected, close: () => stand.close() };
  }
  return fileStand(file, sf, catalog);
}
