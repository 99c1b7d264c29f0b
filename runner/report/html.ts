/**
 * report.html: one self-contained page (inline CSS, no script, no external asset; a CSP
 * forbids both) with the coloured matrix and every run's gates, faults and timeline.
 */
import { formatDuration } from '../core/units.js';
import { boundText, gateValue, problemLines, runDuration, runLabel } from './format.js';
import { cellAt, cellLabel, matrixGreen } from './matrix.js';
import type { FaultResult, Matrix, RunRecord } from './record.js';

const maxTimelineRows = 1000;

export function toHtml(matrix: Matrix, records: readonly RunRecord[]): string {
  const anchor = new Map(records.map((r, i) => [r, `run-${i + 1}`]));
  const green = matrixGreen(matrix);
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
<h2>Matrix</h2>
${matrixTable(matrix, records, anchor)}
<h2>Runs</h2>
${records.map((r) => runSection(r, anchor.get(r)!)).join('\n')}
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
      const target = runs.find((r) => r.status !== 'pass' && r.status !== 'skipped') ?? runs[0];
      const label = esc(cellLabel(c));
      return `<td class="cell ${c.status}">${target ? `<a href="#${anchor.get(target)}">${label}</a>` : label}</td>`;
    });
    return `<tr><th>${esc(sc)}</th>${cells.join('')}</tr>`;
  });
  return `<table class="matrix"><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function runSection(r: RunRecord, id: string): string {
  const open = r.status === 'pass' || r.status === 'skipped' ? '' : ' open';
  const problems = problemLines(r);
  const facts: [string, string | undefined][] = [
    ['scenario file', r.scenario.file],
    ['description', r.scenario.description],
    ['stand', `${r.stand.name} (${r.stand.driver})`],
    ['iteration', `${r.iteration} of ${r.repeat}`],
    ['seed', String(r.seed)],
    ['started', new Date(r.startedAt).toISOString()],
    ['duration', r.endedAt === undefined && r.durationMs === undefined ? 'unfinished' : formatDuration(runDuration(r))],
    ['reason', r.reason],
  ];
  return `<details class="run ${r.status}" id="${id}"${open}>
<summary><span class="badge ${r.status}">${esc(r.status.toUpperCase())}</span> ${esc(runLabel(r))}${r.reason ? ` — ${esc(r.reason)}` : ''}</summary>
<dl>${facts.filter(([, v]) => v).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v!)}</dd>`).join('')}</dl>
${problems.length ? `<ul class="problems">${problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : ''}
${gatesTable(r)}
${faultsBlock(r)}
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

/** Faults as a table plus bars placed on the run's time axis. */
function faultsBlock(r: RunRecord): string {
  if (!r.faults.length) return '';
  const end = r.endedAt ?? Math.max(r.startedAt + runDuration(r), ...r.faults.map((f) => f.revertedAt ?? f.injectedAt ?? 0));
  const span = Math.max(1, end - r.startedAt);
  const pct = (t: number) => Math.min(100, Math.max(0, ((t - r.startedAt) / span) * 100)).toFixed(2);
  const bar = (f: FaultResult) => {
    if (f.injectedAt === undefined) return '';
    const left = Number(pct(f.injectedAt));
    const width = Math.max(0.5, Number(pct(f.revertedAt ?? end)) - left);
    return `<div class="lane"><div class="bar${f.revertedAt === undefined ? ' open' : ''}" style="left:${left}%;width:${width.toFixed(2)}%"></div></div>`;
  };
  const rows = r.faults.map(
    (f) =>
      `<tr><td><code>${esc(f.kind)}</code></td><td>${esc(f.description)}</td><td>${esc(rel(r, f.injectedAt))}</td><td>${esc(rel(r, f.revertedAt))}</td>` +
      `<td class="err">${esc([f.error, f.revertError && `revert: ${f.revertError}`].filter(Boolean).join('; '))}</td><td class="axis">${bar(f)}</td></tr>`,
  );
  return `<h4>Faults</h4><table class="faults"><thead><tr><th>fault</th><th>what</th><th>injected</th><th>reverted</th><th>error</th><th>time axis (run start → end)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
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
.skipped{background:#eee;color:#555}.error,.interrupted{background:#eadcf5}.none{color:#888}
.verdict.pass,.verdict.fail{display:inline-block;padding:.3em .8em;font-weight:700}
details.run{border:1px solid #ccc;margin:.5em 0;padding:.4em .8em;background:#fff}
details.run>summary{cursor:pointer;font-weight:600}
.badge{display:inline-block;min-width:6em;text-align:center;border-radius:3px;padding:0 .4em}
dl{display:grid;grid-template-columns:max-content auto;gap:.1em 1em}dt{color:#666}dd{margin:0}
.problems{color:#a40000}.err{color:#a40000}
td.axis{width:16em}.lane{position:relative;height:.8em;background:#f3f3f3}
.bar{position:absolute;top:0;bottom:0;background:#d9534f}.bar.open{background:repeating-linear-gradient(45deg,#d9534f,#d9534f 4px,#f0a09e 4px,#f0a09e 8px)}
`;
