/**
 * A run's timeline as inline SVG (no script, no external asset): fault windows as bands
 * across the whole plot, one row per fault, gate and workload; each gate's verdict as a
 * mark with its bound drawn as a bracket; workload progress as a line. Hovering any shape
 * shows its full text (<title>). Shapes carry data-* attributes naming what they draw.
 */
import { formatDuration } from '../core/units.js';
import { boundText } from './format.js';
import type { RunRecord } from './record.js';
import { timelineModel, type GateMark } from './timeline.js';

const width = 1000;
const labelWidth = 240;
const plotLeft = labelWidth + 10;
const plotRight = width - 20;
const axisHeight = 26;
const rowHeight = 26;
const workloadHeight = 46;

export function timelineSvg(r: RunRecord, esc: (s: string) => string): string {
  const m = timelineModel(r);
  const span = m.end - m.start;
  const x = (t: number) => plotLeft + (Math.min(Math.max(t, m.start), m.end) - m.start) / span * (plotRight - plotLeft);
  const n = (v: number) => v.toFixed(1);
  const rows: string[] = [];
  let y = axisHeight;
  const rowLabel = (text: string, cls: string) => `<text class="row-label ${cls}" x="${labelWidth}" y="${n(y + rowHeight / 2 + 4)}" text-anchor="end">${esc(cut(text, 36))}</text>`;

  for (const f of m.faults) {
    const w = Math.max(1, x(f.to) - x(f.from));
    rows.push(
      `<g class="fault-row">${rowLabel(`⚡ ${f.kind}`, 'fault')}` +
        `<rect class="fault-bar${f.reverted ? '' : ' open'}" data-kind="fault-bar" data-id="${esc(f.id)}" x="${n(x(f.from))}" y="${n(y + 5)}" width="${n(w)}" height="${rowHeight - 10}">` +
        `<title>${esc(`${f.description}: injected +${sec(f.from - m.start)}, ${f.reverted ? `reverted +${sec(f.to - m.start)}` : 'never reverted'} (${formatDuration(f.to - f.from)})${f.error ? `; ${f.error}` : ''}`)}</title></rect>` +
        `<text class="bar-label" x="${n(x(f.from) + 4)}" y="${n(y + rowHeight / 2 + 4)}">${esc(`${formatDuration(f.to - f.from)}${f.reverted ? '' : ', not reverted'}`)}</text></g>`,
    );
    y += rowHeight;
  }
  for (const g of m.gates) {
    rows.push(gateRow(g, y, x, n, rowLabel(g.name, `gate ${g.verdict}`), esc, m.start));
    y += rowHeight;
  }
  for (const w of m.workloads) {
    const base = y + workloadHeight - 6;
    const top = y + 6;
    const fy = (f: number) => base - f * (base - top);
    const pts = w.points.map(([t, f]) => `${n(x(t))},${n(fy(f))}`).join(' ');
    const last = w.points.at(-1);
    const sx = w.settled ? x(w.settled.at) : 0;
    const settled = w.settled
      ? `<line class="settled ${esc(w.settled.state)}" x1="${n(sx)}" x2="${n(sx)}" y1="${n(top)}" y2="${n(base)}"/>` +
        `<text class="mark-label" x="${n(sx < 800 ? sx + 4 : sx - 4)}" y="${n(top + 10)}" text-anchor="${sx < 800 ? 'start' : 'end'}">${esc(`${w.settled.state} +${sec(w.settled.at - m.start)}`)}</text>`
      : '';
    rows.push(
      `<g class="workload-row" data-kind="workload" data-name="${esc(w.name)}">` +
        `<text class="row-label workload" x="${labelWidth}" y="${n(y + workloadHeight / 2 + 4)}" text-anchor="end">${esc(cut(`⇡ ${w.name}`, 36))}</text>` +
        `<line class="lane" x1="${plotLeft}" x2="${plotRight}" y1="${n(base)}" y2="${n(base)}"/><line class="lane" x1="${plotLeft}" x2="${plotRight}" y1="${n(top)}" y2="${n(top)}"/>` +
        `<text class="pct" x="${plotLeft + 3}" y="${n(top + 9)}">100%</text><text class="pct" x="${plotLeft + 3}" y="${n(base - 2)}">0</text>` +
        (pts ? `<polyline class="progress" data-kind="progress" points="${pts}"><title>${esc(`${w.name}: ${Math.round((last?.[1] ?? 0) * 100)}% at +${sec((last?.[0] ?? m.start) - m.start)}`)}</title></polyline>` : '') +
        settled +
        `</g>`,
    );
    y += workloadHeight;
  }
  const height = y + 6;
  const bands = m.faults
    .map((f) => `<rect class="fault-band" data-kind="fault-band" data-id="${esc(f.id)}" x="${n(x(f.from))}" y="${axisHeight}" width="${n(Math.max(1, x(f.to) - x(f.from)))}" height="${n(height - axisHeight)}"><title>${esc(f.description)}</title></rect>`)
    .join('');
  return (
    `<svg class="timeline" data-kind="timeline" data-start="${m.start}" data-end="${m.end}" data-plot-left="${plotLeft}" data-plot-right="${plotRight}" viewBox="0 0 ${width} ${n(height)}" width="100%" role="img" aria-label="${esc(`timeline of ${r.scenario.name}`)}" xmlns="http://www.w3.org/2000/svg">` +
    `<rect class="plot" data-kind="plot" x="${plotLeft}" y="${axisHeight}" width="${plotRight - plotLeft}" height="${n(height - axisHeight)}"/>` +
    axis(m.start, m.end, x, n, height) +
    bands +
    rows.join('') +
    `</svg>`
  );
}

function gateRow(g: GateMark, y: number, x: (t: number) => number, n: (v: number) => string, label: string, esc: (s: string) => string, start: number): string {
  const mid = y + rowHeight / 2;
  const parts = [label];
  const counts = (['pass', 'fail', 'unknown'] as const).map((v) => [v, g.evaluations.filter((e) => e[1] === v).length] as const).filter(([, c]) => c > 0);
  if (g.at - g.from > 0) {
    parts.push(`<line class="evaluating" x1="${n(x(g.from))}" x2="${n(x(g.at))}" y1="${n(mid + 8)}" y2="${n(mid + 8)}"><title>${esc(`${g.name}: evaluated from +${sec(g.from - start)} to +${sec(g.at - start)}`)}</title></line>`);
  }
  for (const [t, v] of g.evaluations) {
    parts.push(`<line class="evaluation ${v}" data-kind="evaluation" data-verdict="${v}" x1="${n(x(t))}" x2="${n(x(t))}" y1="${n(mid + 5)}" y2="${n(mid + 11)}"/>`);
  }
  if (g.bound) {
    const x1 = x(g.bound.from);
    const x2 = x(g.bound.to);
    parts.push(
      `<g class="bound ${g.verdict}" data-kind="gate-bound"><line x1="${n(x1)}" x2="${n(x2)}" y1="${n(mid)}" y2="${n(mid)}"/>` +
        `<line x1="${n(x1)}" x2="${n(x1)}" y1="${n(mid - 5)}" y2="${n(mid + 5)}"/><line x1="${n(x2)}" x2="${n(x2)}" y1="${n(mid - 5)}" y2="${n(mid + 5)}"/>` +
        `<title>${esc(`${g.name}: ${g.bound.text}, from +${sec(g.bound.from - start)} to +${sec(g.bound.to - start)}`)}</title></g>`,
    );
  }
  const cx = x(g.at);
  const shape =
    g.verdict === 'pass'
      ? `<circle cx="${n(cx)}" cy="${n(mid)}" r="5.5"`
      : `<path d="M${n(cx - 5)},${n(mid - 5)}L${n(cx + 5)},${n(mid + 5)}M${n(cx + 5)},${n(mid - 5)}L${n(cx - 5)},${n(mid + 5)}"`;
  parts.push(
    `<g class="gate-mark ${g.verdict}" data-kind="gate-mark" data-gate="${esc(g.name)}" data-verdict="${g.verdict}" data-at="${g.at}"${g.phase ? ` data-phase="${g.phase}"` : ''}>` +
      `${shape}><title>${esc(`${g.name} — ${g.verdict} at +${sec(g.at - start)}: ${g.value}${counts.length ? ` (evaluations: ${counts.map(([v, c]) => `${c} ${v}`).join(', ')})` : ''}`)}</title>${g.verdict === 'pass' ? '</circle>' : '</path>'}</g>`,
  );
  const right = cx < 640;
  parts.push(
    `<text class="mark-label ${g.verdict}${g.phase ? ` ${g.phase}` : ''}" x="${n(right ? cx + 10 : cx - 10)}" y="${n(mid + 4)}" text-anchor="${right ? 'start' : 'end'}">${esc(cut(g.label, 70))}</text>`,
  );
  return `<g class="gate-row">${parts.join('')}</g>`;
}

/** Ticks at a round step, about eight across. */
function axis(start: number, end: number, x: (t: number) => number, n: (v: number) => string, height: number): string {
  const span = end - start;
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600].map((s) => s * 1000);
  const step = steps.find((s) => span / s <= 8) ?? steps.at(-1)!;
  const out: string[] = [];
  for (let t = 0; t <= span; t += step) {
    const px = x(start + t);
    out.push(`<line class="tick" x1="${n(px)}" x2="${n(px)}" y1="${axisHeight - 4}" y2="${n(height)}"/><text class="tick-label" x="${n(px)}" y="${axisHeight - 8}" text-anchor="middle">${t === 0 ? '0' : `+${boundText(t)}`}</text>`);
  }
  return `<g class="axis">${out.join('')}</g>`;
}

function sec(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function cut(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}
