/** The default catalog: every kind in the list files, built once. Tests build their own with makeCatalog. */
import { makeCatalog, type Catalog } from './core/catalog.js';
import { faultList } from './faults/index.js';
import { probeList } from './probes/index.js';
import { workloadList } from './workloads/index.js';
import { standList } from './stands/kinds.js';
import { nodeDriverList } from './stands/node-drivers.js';

let built: Catalog | undefined;

export function defaultCatalog(): Catalog {
  return (built ??= makeCatalog({ faults: faultList, probes: probeList, workloads: workloadList, stands: standList, nodeDrivers: nodeDriverList }));
}
