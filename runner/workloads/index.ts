/** Registry of workload kinds. One file per workload; add it to the list below. */
import type { WorkloadDef } from '../core/contracts.js';
import s3Upload from './s3-upload.js';
import s3Ledger from './s3-ledger.js';

const all: WorkloadDef[] = [
  s3Upload, s3Ledger, // S3
];

export const workloads: ReadonlyMap<string, WorkloadDef> = new Map(all.map((w) => [w.kind, w]));
