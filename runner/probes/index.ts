/** Registry of probe kinds. One file per probe; add it to the list below. */
import type { ProbeDef } from '../core/contracts.js';

const all: ProbeDef[] = [
];

export const probes: ReadonlyMap<string, ProbeDef> = new Map(all.map((p) => [p.kind, p]));
