/** Registry of fault kinds. One file per fault; add it to the list below. */
import type { FaultDef } from '../core/contracts.js';

const all: FaultDef[] = [
];

export const faults: ReadonlyMap<string, FaultDef> = new Map(all.map((f) => [f.kind, f]));
