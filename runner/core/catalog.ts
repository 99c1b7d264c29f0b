/**
 * Every plug-in kind faultline knows, in one value handed to the scenario loader, the
 * schema generators, the engine and `recover`. `runner/catalog.ts` builds the default
 * one from the list files; tests build their own.
 */
import type { FaultDef, ProbeDef, WorkloadDef } from './contracts.js';
import type { NodeDriverKind, StandKind } from './stand-kind.js';
import { FaultlineError } from './errors.js';

export interface Catalog {
  readonly faults: ReadonlyMap<string, FaultDef>;
  readonly probes: ReadonlyMap<string, ProbeDef>;
  readonly workloads: ReadonlyMap<string, WorkloadDef>;
  readonly stands: ReadonlyMap<string, StandKind>;
  readonly nodeDrivers: ReadonlyMap<string, NodeDriverKind>;
}

export interface CatalogLists {
  faults?: readonly FaultDef[];
  probes?: readonly ProbeDef[];
  workloads?: readonly WorkloadDef[];
  stands?: readonly StandKind[];
  nodeDrivers?: readonly NodeDriverKind[];
}

function byName<T>(what: string, list: readonly T[], nameOf: (t: T) => string): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const item of list) {
    const name = nameOf(item);
    if (map.has(name)) throw new FaultlineError('catalog', `two ${what} kinds are named ${name}`);
    map.set(name, item);
  }
  return map;
}

export function makeCatalog(lists: CatalogLists): Catalog {
  return {
    faults: byName('fault', lists.faults ?? [], (f) => f.kind),
    probes: byName('probe', lists.probes ?? [], (p) => p.kind),
    workloads: byName('workload', lists.workloads ?? [], (w) => w.kind),
    stands: byName('stand', lists.stands ?? [], (s) => s.name),
    nodeDrivers: byName('node driver', lists.nodeDrivers ?? [], (d) => d.driver),
  };
}

/** A catalog with more kinds added (tests add their own kinds to the real ones). */
export function extendCatalog(base: Catalog, more: CatalogLists): Catalog {
  return makeCatalog({
    faults: [...base.faults.values(), ...(more.faults ?? [])],
    probes: [...base.probes.values(), ...(more.probes ?? [])],
    workloads: [...base.workloads.values(), ...(more.workloads ?? [])],
    stands: [...base.stands.values(), ...(more.stands ?? [])],
    nodeDrivers: [...base.nodeDrivers.values(), ...(more.nodeDrivers ?? [])],
  });
}
