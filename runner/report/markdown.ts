/** summary.md: the matrix as a Markdown table, then one line per thing that went wrong. */
import { formatDuration } from '../core/units.js';
import { oneLine, problemLines, runLabel } from './format.js';
import { cellAt, cellLabel, matrixGreen } from './matrix.js';
import type { Matrix, RunRecord } from './record.js';
import { comparisonLine } from './baseline.js';
import type { CellChange, Comparison } from './record.js';

export function toMarkdown(matrix: Matrix, records: readonly RunRecord[]): string {
  const out: string[] = [`# faultline ${md(matrix.runId)}`, ''];
  const count = (s: RunRecord['status']) => records.filter((r) => r.status === s).length;
  const parts = (['pass', 'fail', 'unknown', 'error', 'interrupted', 'skipped'] as const).filter((s) => count(s) > 0).map((s) => `${count(s)} ${s}`);
  out.push(
    `**${matrixGreen(matrix) ? 'GREEN' : 'NOT GREEN'}** — ${records.length} run${records.length === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''}, ` +
      `started ${new Date(matrix.startedAt).toISOString()}, took ${formatDuration(Math.max(0, matrix.endedAt - matrix.startedAt))}`,
    '',
  );

  if (matrix.comparison) out.push(...comparisonSection(matrix.comparison));

  out.push(row(['scenario', ...matrix.stands]), `|${' --- |'.repeat(matrix.stands.length + 1)}`);
  for (const sc of matrix.scenarios) {
    out.push(row([sc, ...matrix.stands.map((st) => { const c = cellAt(matrix, sc, st); return c ? cellLabel(c) : '-'; })]));
  }

  const problems = records.flatMap((r) => problemLines(r).map((p) => `- ${md(`${runLabel(r)}: ${p}`)}`));
  if (problems.length) out.push('', '## Failures', '', ...problems);
  return out.join('\n') + '\n';
}

function comparisonSection(c: Comparison): string[] {
  const out = [`## Baseline: ${md(comparisonLine(c))}`, ''];
  const list = (title: string, items: string[]) => (items.length ? [`**${title}**`, '', ...items.map((i) => `- ${md(i)}`), ''] : []);
  const cell = (x: CellChange) => `${x.scenario} @ ${x.stand}: ${x.text}`;
  out.push(
    ...list('Regressions', c.regressions.map(cell)),
    ...list('New flakes', c.newFlakes.map(cell)),
    ...list(`Slower recovery (more than ×${c.ratio})`, c.slower.map((s) => `${s.scenario} @ ${s.stand}: ${s.text}`)),
    ...list('Fixes', c.fixes.map(cell)),
  );
  return out;
}

function row(cells: string[]): string {
  return `| ${cells.map(md).join(' | ')} |`;
}

/** Escapes what Markdown or the HTML inside it would interpret, and keeps everything on one line. */
function md(s: string): string {
  return oneLine(s).replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}
