/**
 * report.html: one self-contained page (inline CSS and SVG, no script, no external asset;
 * a CSP forbids both): the comparison with the baseline on top, the coloured matrix whose
 * cells link to each of their runs, and per run an SVG timeline, its gates, faults and events.
 */
import { formatDuration } from '../core/units.js';
import { boundText, gateValue, problemLines, recordPath, runDuration, runLabel } from './format.js';
import { mergedRecordPath } from './merge.js';
import { cellAt, cellLabel, matrixGreen } from './matrix.js';
import type { Matrix, RunRecord } from './record.js';
import type { CellChange, Comparison } from './record.js';
import { comparisonLine } from './baseline.js';
import { timelineSvg } from './timeline-svg.js';

const maxTimelineRows = 1000;
/** past this many runs (a month of nightly sweeps merged), passing runs get one line each */
export const maxDetailedRuns = 300;

/**
 * The runs drawn in full: all of them in a small report; in a large one every run that did
 * not pass, and the newest run of each scenario x stand, so the page stays a few MB.
 */
function detailedRuns(records: readonly RunRecord[]): Set<RunRecord> {
  if (records.length <= maxDetailedRuns) return new Set(records);
  const newest = new Map<string, RunRecord>();
  for (const r of records) {
    const key = `${r.scenario.name}\u0000${r.stand.name}`;
    const had = newest.get(key);
    if (!had || r.startedAt > had.startedAt) newest.set(key, r);
  }
  return new Set([...records.filter((r) => r.status !== 'pass'), ...newest.values()]);
}

/** A passing run of a large report: its verdict, when, and where its record is. */
function runLine(r: RunRecord, id: string, matrix: Matrix, pathOf: (r: RunRecord) => string): string {
  const path = pathOf(r);
  return `<p class="run-line ${r.status}" id="${id}"><span class="badge ${r.status}">${esc(r.status.toUpperCase())}</span> ${esc(runLabel(r))}${matrix.sources ? ` · ${esc(r.runId)}` : ''} — ${esc(new Date(r.startedAt).toISOString())}, ${esc(formatDuration(runDuration(r)))}, ${r.gates.length} gates passed (record <code>${esc(path)}</code>)</p>`;
}

export function toHtml(matrix: Matrix, records: readonly RunRecord[]): string {
  const anchor = new Map(records.map((r, i) => [r, `run-${i + 1}`]));
  const green = matrixGreen(matrix);
  const detailed = detailedRuns(records);
  const pathOf = matrix.sources ? mergedRecordPath(records) : recordPath;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>faultline ${esc(matrix.runId)}</title>
<style>${css}</style>
</head>
<body>
<h1>faultline <code>${esc(matrix.runId)}</code></h1>
<p class="verdict ${green ? 'pass' : 'fail'}">${green ? 'GREEN' : 'NOT GREEN'} — ${records.length} runs, started ${esc(new Date(matrix.startedAt).toISOString())}, took ${esc(formatDuration(Math.max(0, matrix.endedAt - matrix.startedAt)))}</p>
${matrix.sources ? `<p class="sources">merged from ${matrix.sources.length} sweeps: ${matrix.sources.map((s) => `<code>${esc(s)}</code>`).join(', ')}</p>` : ''}
${matrix.comparison ? comparisonBlock(matrix.comparison) : ''}
<h2>Matrix</h2>
${matrixTable(matrix, records, anchor)}
<h2>Runs</h2>
${detailed.size < records.length ? `<p class="none">${records.length - detailed.size} passing runs in one line each (more than ${maxDetailedRuns} runs); every run that did not pass, and the newest of each cell, in full</p>` : ''}
${records.map((r) => (detailed.has(r) ? runSection(r, anchor.get(r)!, !!matrix.sources) : runLine(r, anchor.get(r)!, matrix, pathOf))).join('\n')}
</body>
</html>
`;
}

function matrixTable(m: Matrix, records: readonly RunRecord[], anchor: Map<RunRecord, string>): string {
  const head = `<tr><th>scenario</th>${m.stands.map((s) => `<th>${esc(s)}</th>`).join('')}</tr>`;
  const rows = m.scenarios.map((sc) => {
    const cells = m.stands.map((st) => {
      const c = cellAt(m, sc, st);
      if (!c) return '<td class="cell none">-</td>';
      const runs = records.filter((r) => r.scenario.name === sc && r.stand.name === st);
      const links = runs.map((r) => `<a class="run-link ${r.status}" href="#${anchor.get(r)}" title="${esc(`${runLabel(r)} (${r.runId}): ${r.status}`)}">#${r.iteration}</a>`);
      return `<td class="cell ${c.status}"><span class="label">${esc(cellLabel(c))}</span> <span class="runs">${links.join(' ')}</span></td>`;
    });
    return `<tr><th>${esc(sc)}</th>${cells.join('')}</tr>`;
  });
  return `<table class="matrix"><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function runSection(r: RunRecord, id: string, showSweep: boolean): string {
  const open = r.status === 'pass' || r.status === 'skipped' ? '' : ' open';
  const problems = problemLines(r);
  const facts: [string, string | undefined][] = [
    ['scenario file', r.scenario.file],
    ['description', r.scenario.description],
    ['stand', `${r.stand.name} (${r.stand.driver})`],
    ['iteration', `${r.iteration} of ${r.repeat}`],
    ['seed', String(r.seed)],
    ['sweep', r.runId],
    ['host', r.host],
    ['shard', r.shard],
    ['started', new Date(r.startedAt).toISOString()],
    ['duration', r.endedAt === undefined && r.durationMs === undefined ? 'unfinished' : formatDuration(runDuration(r))],
    ['reason', r.reason],
  ];
  return `<details class="run ${r.status}" id="${id}"${open}>
<summary><span class="badge ${r.status}">${esc(r.status.toUpperCase())}</span> ${esc(runLabel(r))}${showSweep ? ` <span class="sweep">· ${esc(r.runId)}</span>` : ''}${r.reason ? ` — ${esc(r.reason)}` : ''}</summary>
<dl>${facts.filter(([, v]) => v).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v!)}</dd>`).join('')}</dl>
${problems.length ? `<ul class="problems">${problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : ''}
${r.status === 'skipped' ? '' : `<div class="timeline-svg">${timelineSvg(r, esc)}</div>`}
${gatesTable(r)}
${faultsTable(r)}
${workloadsTable(r)}
${timelineTable(r)}
</details>`;
}

function gatesTable(r: RunRecord): string {
  if (!r.gates.length) return '<p class="none">no gate evaluated</p>';
  const rows = r.gates.map(
    (g) =>
      `<tr class="${g.verdict}"><td class="verdict">${mark[g.verdict]} ${g.verdict}</td><td>${esc(g.name)}</td><td><code>${esc(g.probe)}</code></td>` +
      `<td>${esc(gateValue(g))}</td><td>${esc(formatDuration(g.elapsedMs))}</td><td>${g.boundMs === undefined ? '' : esc(boundText(g.boundMs))}</td>` +
      `<td>${g.availability === undefined ? '' : `${(g.availability * 100).toFixed(1)}%`}</td><td>${esc(g.observation ?? '')}</td></tr>`,
  );
  return `<h4>Gates</h4><table class="gates"><thead><tr><th>verdict</th><th>gate</th><th>probe</th><th>value</th><th>took</th><th>bound</th><th>availability</th><th>last observation</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function faultsTable(r: RunRecord): string {
  if (!r.faults.length) return '';
  const rows = r.faults.map(
    (f) =>
      `<tr><td><code>${esc(f.kind)}</code></td><td>${esc(f.description)}${f.effect ? `<br><small>effect ${f.effect.ok ? 'confirmed' : '<b>NOT confirmed</b>'}: ${esc(f.effect.value)}</small>` : ''}</td><td>${esc(rel(r, f.injectedAt))}</td><td>${esc(rel(r, f.revertedAt))}${f.revertedBy ? ` (${esc(f.revertedBy)})` : ''}</td>` +
      `<td class="err">${esc([f.error, f.revertError && `revert: ${f.revertError}`].filter(Boolean).join('; '))}</td></tr>`,
  );
  return `<h4>Faults</h4><table class="faults"><thead><tr><th>fault</th><th>what</th><th>injected</th><th>reverted</th><th>error</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The baseline comparison: counts, then each regression, new flake, slower recovery and fix. */
function comparisonBlock(c: Comparison): string {
  const cell = (x: CellChange) => `<li><b>${esc(`${x.scenario} @ ${x.stand}`)}</b>: ${esc(x.text)}</li>`;
  const list = (cls: string, title: string, items: string[]) => (items.length ? `<h3 class="${cls}">${esc(title)} (${items.length})</h3><ul class="${cls}">${items.join('')}</ul>` : '');
  const bad = c.regressions.length + c.newFlakes.length + c.slower.length > 0;
  return `<section class="comparison ${bad ? 'bad' : 'good'}" id="baseline"><h2>Compared with the baseline</h2><p>${esc(comparisonLine(c))}</p>
${list('regression', 'Regressions', c.regressions.map(cell))}
${list('new-flake', 'New flakes', c.newFlakes.map(cell))}
${list('slower', `Slower recovery (more than ×${c.ratio})`, c.slower.map((x) => `<li><b>${esc(`${x.scenario} @ ${x.stand}`)}</b>: ${esc(x.text)}</li>`))}
${list('fix', 'Fixes', c.fixes.map(cell))}
${c.added.length ? `<p class="none">not in the baseline: ${esc(c.added.join(', '))}</p>` : ''}${c.removed.length ? `<p class="none">in the baseline only: ${esc(c.removed.join(', '))}</p>` : ''}</section>`;
}

function workloadsTable(r: RunRecord): string {
  const names = Object.keys(r.workloads);
  if (!names.length) return '';
  const rows = names.map((n) => `<tr><td>${esc(n)}</td><td><code>${esc(compact(r.workloads[n]))}</code></td></tr>`);
  return `<h4>Workloads</h4><table class="workloads"><tbody>${rows.join('')}</tbody></table>`;
}

function timelineTable(r: RunRecord): string {
  if (!r.timeline.length) return '';
  const shown = r.timeline.slice(0, maxTimelineRows);
  const rows = shown.map(({ type, at, ...rest }) => `<tr><td>${esc(rel(r, at))}</td><td><code>${esc(String(type))}</code></td><td>${esc(compact(rest))}</td></tr>`);
  const more = r.timeline.length - shown.length;
  return `<details class="timeline"><summary>Timeline (${r.timeline.length} events)</summary><table><tbody>${rows.join('')}</tbody></table>${more > 0 ? `<p>… ${more} more in the JSON record</p>` : ''}</details>`;
}

const mark = { pass: '✔', fail: '✘', unknown: '?', skipped: '–' } as const;

function rel(r: RunRecord, at: number | undefined): string {
  return at === undefined ? '-' : `+${((at - r.startedAt) / 1000).toFixed(1)} s`;
}

function compact(v: unknown): string {
  const s = JSON.stringify(v) ?? '';
  return s === '{}' ? '' : s.length > 400 ? s.slice(0, 399) + '…' : s;
}

/** Escapes markup and drops control characters HTML has no use for. */
function esc(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const css = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
code{font-family:ui-monospace,monospace}
table{border-collapse:collapse;margin:.4em 0 1em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
.matrix td.cell{font-weight:600}
.cell a{color:inherit}
.pass{background:#dff5e1}.flaky{background:#fff1c2}.fail{background:#fbd9d6}.unknown{background:#fff1c2}
.skipped{background:#eee;color:#555}.error,.interrupted,.unknown{background:#eadcf5}.none{color:#888}
.verdict.pass,.verdict.fail{display:inline-block;padding:.3em .8em;font-weight:700}
details.run{border:1px solid #ccc;margin:.5em 0;padding:.4em .8em;background:#fff}
details.run>summary{cursor:pointer;font-weight:600}
p.run-line{margin:.2em 0;padding:.1em .8em}
.badge{display:inline-block;min-width:6em;text-align:center;border-radius:3px;padding:0 .4em}
dl{display:grid;grid-template-columns:max-content auto;gap:.1em 1em}dt{color:#666}dd{margin:0}
.problems{color:#a40000}.err{color:#a40000}
a.run-link{display:inline-block;font-weight:400;font-size:.85em;padding:0 .3em;border:1px solid #999;border-radius:3px;text-decoration:none;color:#222}
a.run-link.fail,a.run-link.error,a.run-link.interrupted{border-color:#c62828;color:#a40000;font-weight:700}
.comparison{border:2px solid #999;padding:.2em 1em;margin:1em 0}.comparison.bad{border-color:#c62828}.comparison.good{border-color:#2e7d32}
h3.regression,h3.new-flake,h3.slower{color:#a40000}h3.fix{color:#1b5e20}
.timeline-svg{max-width:1100px;margin:.6em 0}
svg.timeline{font:12px system-ui,sans-serif;background:#fff}
svg .plot{fill:#fafafa;stroke:#ddd}
svg .tick{stroke:#e6e6e6}svg .tick-label{fill:#777;font-size:11px}
svg .fault-band{fill:#d9534f;fill-opacity:.12}
svg .fault-bar{fill:#d9534f}svg .fault-bar.open{fill:#f0a09e;stroke:#d9534f;stroke-dasharray:4 2}
svg .bar-label{fill:#fff;font-size:11px;font-weight:600}
svg .row-label{fill:#333}svg .row-label.fail,svg .row-label.unknown{fill:#a40000;font-weight:600}
svg .bound line{stroke:#888;stroke-width:1.5}svg .bound.fail line,svg .bound.unknown line{stroke:#c62828;stroke-dasharray:4 2}
svg .gate-mark.pass circle{fill:#2e7d32}svg .gate-mark.fail path{stroke:#c62828;stroke-width:3}svg .gate-mark.unknown path{stroke:#e09000;stroke-width:3}
svg .mark-label{fill:#333;font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
svg .evaluating{stroke:#9e9e9e;stroke-width:1;stroke-dasharray:1 2}
svg .evaluation{stroke-width:1.5}svg .evaluation.pass{stroke:#2e7d32}svg .evaluation.fail{stroke:#c62828}svg .evaluation.unknown{stroke:#e09000}svg .pct{fill:#999;font-size:9px}svg .mark-label.fail,svg .mark-label.unknown{fill:#a40000}
svg .mark-label.detection,svg .mark-label.recovery{font-weight:700}
svg .lane{stroke:#eee}svg .progress{fill:none;stroke:#1565c0;stroke-width:2}
svg .settled{stroke:#1565c0;stroke-dasharray:3 2}svg .settled.failed{stroke:#c62828}
`;
