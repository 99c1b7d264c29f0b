/** Runs aggregated: rows scenarios, columns stands, one cell per pair that ran. */
import { oneLine, problemLines, recordPath } from './format.js';
import type { Matrix, MatrixCell, RunRecord } from './record.js';

export interface MatrixMeta {
  runId?: string;
  startedAt?: number;
  endedAt?: number;
  /** where each record lives in the results folder (default recordPath) */
  recordPath?: (r: RunRecord) => string;
}

/** Scenarios and stands keep the order in which they first appear in `records`. */
export function buildMatrix(records: readonly RunRecord[], meta: MatrixMeta = {}): Matrix {
  const scenarios = unique(records.map((r) => r.scenario.name));
  const stands = unique(records.map((r) => r.stand.name));
  const cells: MatrixCell[] = [];
  for (const scenario of scenarios) {
    for (const stand of stands) {
      const runs = records
        .filter((r) => r.scenario.name === scenario && r.stand.name === stand)
        .sort((a, b) => a.iteration - b.iteration || a.startedAt - b.startedAt);
      if (runs.length > 0) cells.push(cellOf(scenario, stand, runs, meta.recordPath ?? recordPath));
    }
  }
  const starts = records.map((r) => r.startedAt);
  const ends = records.map((r) => r.endedAt ?? r.startedAt);
  return {
    runId: meta.runId ?? records[0]?.runId ?? '',
    startedAt: meta.startedAt ?? (starts.length ? Math.min(...starts) : 0),
    endedAt: meta.endedAt ?? (ends.length ? Math.max(...ends) : 0),
    scenarios,
    stands,
    cells,
  };
}

function cellOf(scenario: string, stand: string, runs: RunRecord[], pathOf: (r: RunRecord) => string): MatrixCell {
  const count = (s: RunRecord['status']) => runs.filter((r) => r.status === s).length;
  const cell: MatrixCell = {
    scenario,
    stand,
    runs: runs.length,
    passed: count('pass'),
    failed: count('fail'),
    skipped: count('skipped'),
    errored: count('error'),
    interrupted: count('interrupted'),
    unknown: count('unknown'),
    status: 'fail',
    records: runs.map(pathOf),
  };
  cell.status = cellStatus(cell);
  if (cell.status === 'skipped') cell.reason = runs.find((r) => r.reason)?.reason;
  const firstBad = runs.find((r) => r.status !== 'pass' && r.status !== 'skipped');
  if (firstBad) cell.firstFailure = `#${firstBad.iteration}: ${problemLines(firstBad)[0] ?? firstBad.status}`;
  return cell;
}

/**
 * pass: every executed run passed; flaky: some passed and some failed; fail: none passed;
 * error: no gate failed but a run errored or was interrupted (undecided, never green);
 * skipped: every run skipped.
 */
function cellStatus(c: MatrixCell): MatrixCell['status'] {
  const executed = c.runs - c.skipped;
  if (executed === 0) return 'skipped';
  if (c.passed === executed) return 'pass';
  if (c.failed === 0) return 'error';
  return c.passed > 0 ? 'flaky' : 'fail';
}

/** "3/3 pass", "2/3 flaky", "0/3 fail", "skipped: why", "2/3 interrupted", "0/1 unknown" */
export function cellLabel(c: MatrixCell): string {
  if (c.status === 'skipped') return c.reason ? `skipped: ${oneLine(c.reason)}` : 'skipped';
  const word = c.status === 'error' && c.errored === 0 ? (c.interrupted === 0 ? 'unknown' : 'interrupted') : c.status;
  return `${c.passed}/${c.runs - c.skipped} ${word}`;
}

export function cellAt(m: Matrix, scenario: string, stand: string): MatrixCell | undefined {
  return m.cells.find((c) => c.scenario === scenario && c.stand === stand);
}

/** The sweep is green only when every cell that ran passed (skipped cells are reported, not green). */
export function matrixGreen(m: Matrix): boolean {
  return m.cells.length > 0 && m.cells.every((c) => c.status === 'pass' || c.status === 'skipped');
}

export interface TextOptions {
  /** colours a cell's label by its status; identity by default */
  paint?: (status: MatrixCell['status'] | 'none', text: string) => string;
  /** longest cell label before it is cut with "…" */
  maxCell?: number;
}

/** A column-aligned plain-text table for the console. */
export function renderMatrixText(m: Matrix, opts: TextOptions = {}): string {
  const paint = opts.paint ?? ((_s, t) => t);
  const max = opts.maxCell ?? 40;
  const cut = (t: string) => (t.length > max ? t.slice(0, max - 1) + '…' : t);
  const header = ['scenario', ...m.stands];
  const rows = m.scenarios.map((sc) =>
    [sc, ...m.stands.map((st) => cellAt(m, sc, st))].map((v) =>
      typeof v === 'string' ? { text: oneLine(v), status: 'none' as const } : v ? { text: cut(cellLabel(v)), status: v.status } : { text: '-', status: 'none' as const },
    ),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.text.length)));
  const line = (cols: string[]) => cols.join('  ').trimEnd();
  const out = [line(header.map((h, i) => h.padEnd(widths[i]!)))];
  const pad = (t: string, i: number) => ' '.repeat(widths[i]! - t.length);
  for (const r of rows) out.push(line(r.map((c, i) => (i === 0 ? c.text : paint(c.status, c.text)) + pad(c.text, i))));
  return out.join('\n');
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
