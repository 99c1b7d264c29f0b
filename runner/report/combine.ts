/**
 * `faultline report` and `faultline merge`: the records of many results folders as one
 * matrix, compared with a baseline when one is given, written as a results folder.
 */
import { compare } from './baseline.js';
import type { Comparison } from './record.js';
import { writeResultsFolder } from './files.js';
import { buildMatrix } from './matrix.js';
import { mergedRecordPath, readResults, sweepIds } from './merge.js';
import type { Matrix, RunRecord } from './record.js';

export interface CombineOptions {
  inputs: readonly string[];
  out: string;
  baseline?: readonly string[];
  /** recovery-time growth that counts as slower */
  ratio?: number;
  /** merge: also copy every record, so the folder is a results folder in its own right */
  copyRecords: boolean;
}

export interface Combined {
  matrix: Matrix;
  records: RunRecord[];
  comparison?: Comparison;
  folders: string[];
}

export function mergedMatrix(records: readonly RunRecord[]): Matrix {
  const ids = sweepIds(records);
  const matrix = buildMatrix(records, {
    runId: ids.length === 1 ? ids[0] : `merge of ${ids.length} sweeps`,
    recordPath: mergedRecordPath(records),
  });
  if (ids.length > 1) matrix.sources = ids;
  return matrix;
}

export async function combine(opts: CombineOptions): Promise<Combined> {
  const { records, folders } = await readResults(opts.inputs);
  const matrix = mergedMatrix(records);
  let comparison: Comparison | undefined;
  if (opts.baseline?.length) {
    const base = await readResults(opts.baseline);
    comparison = compare({ matrix, records }, { matrix: mergedMatrix(base.records), records: base.records }, { ratio: opts.ratio });
    matrix.comparison = comparison;
  }
  await writeResultsFolder(opts.out, matrix, records, opts.copyRecords ? mergedRecordPath(records) : undefined);
  return { matrix, records, comparison, folders };
}
