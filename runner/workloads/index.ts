/** The list of workload kinds. One file per workload; add it to the list below (runner/catalog.ts builds the catalog from it). */
import type { WorkloadDef } from '../core/contracts.js';
import s3Upload from './s3-upload.js';
import s3Ledger from './s3-ledger.js';

export const workloadList: readonly WorkloadDef[] = [
  s3Upload, s3Ledger, // S3
];
