/** Registry of workload kinds. One file per workload; add it to the list below. */
import type { WorkloadDef } from '../core/contracts.js';

const all: WorkloadDef[] = [
];

export const workloads: ReadonlyMap<string, WorkloadDef> = new Map(all.map((w) => [w.kind, w]));
