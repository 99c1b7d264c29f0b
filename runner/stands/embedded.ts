/** Stands faultline starts itself (`faultline stand up <name>`). */
import type { Stand } from '../core/contracts.js';

export interface StandIO {
  signal: AbortSignal;
  /** progress lines for the operator (stderr) */
  log(line: string): void;
}

export interface StandStatus {
  up: boolean;
  /** human-readable lines: components, nodes, health */
  lines: string[];
}

export interface EmbeddedStand {
  name: string;
  summary: string;
  /** Build what is missing, start everything, wait until healthy, print how to reach it. */
  up(options: Record<string, string | boolean>, io: StandIO): Promise<void>;
  /** Remove every process, namespace, mount, rule and file it made; also after a crash. */
  down(io: StandIO): Promise<void>;
  status(io: StandIO): Promise<StandStatus>;
  /** The running stand; throws a FaultlineError with a hint when it is not up. */
  open(signal: AbortSignal): Promise<Stand>;
}

const registry = new Map<string, () => Promise<EmbeddedStand>>([
  ['kwok', () => import('./kwok/index.js').then((m) => m.kwokStand)],
  ['local', () => import('./local/index.js').then((m) => m.localStand)],
]);

export function embeddedStandNames(): string[] {
  return [...registry.keys()];
}

/** Besides `local`, any `local-<x>` is a local stand of its own (own namespaces, bridge, subnet). */
export async function embeddedStand(name: string): Promise<EmbeddedStand | undefined> {
  const load = registry.get(name);
  if (load) return load();
  if (!name.startsWith('local-')) return undefined;
  const local = await import('./local/index.js');
  return local.isLocalStandName(name) ? local.localStandFor(name) : undefined;
}
