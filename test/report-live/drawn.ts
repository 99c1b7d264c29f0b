/**
 * What report.html draws, read back from the page Chromium rendered, checked against the
 * run records: a section and a matrix link per run, a fault band as wide as each fault
 * lasted, a mark per gate where and how its verdict came, a tick per evaluation. Used by
 * the browser test and by check-report (the nightly job's check of its merged report).
 */
import assert from 'node:assert/strict';
import { formatDuration } from '../../runner/core/units.js';
import { runLabel } from '../../runner/report/format.js';
import type { RunRecord } from '../../runner/report/record.js';
import type { Chromium } from './chromium.js';

export interface Drawn {
  ticks: { ms: number; x: number }[];
  bands: { id: string; left: number; width: number }[];
  marks: { gate: string; verdict: string; x: number; color: string; phase: string | null; evaluations: { verdict: string; x: number }[] }[];
  labels: { text: string; cls: string }[];
  progress: { points: number; right: number; top: number } | null;
  lane: { top: number; bottom: number } | null;
}

/** Runs in the page: what one run's SVG shows, in CSS pixels. */
export const measure = (id: string) => `(() => {
  const sec = document.getElementById(${JSON.stringify(id)});
  sec.open = true;
  const svg = sec.querySelector('svg.timeline');
  if (!svg) return { ticks: [], bands: [], marks: [], labels: [], progress: null, lane: null };
  const box = (el) => el.getBoundingClientRect();
  const toMs = (t) => t === '0' ? 0 : /min$/.test(t) ? parseFloat(t.slice(1)) * 60000 : parseFloat(t.slice(1)) * 1000;
  const ticks = [...svg.querySelectorAll('.tick-label')].map((t) => ({ ms: toMs(t.textContent), x: (box(t).left + box(t).right) / 2 }));
  const bands = [...svg.querySelectorAll('[data-kind=fault-band]')].map((b) => ({ id: b.dataset.id, left: box(b).left, width: box(b).width }));
  const marks = [...svg.querySelectorAll('[data-kind=gate-mark]')].map((g) => {
    const shape = g.firstElementChild;
    const st = getComputedStyle(shape);
    const evaluations = [...g.parentElement.querySelectorAll('[data-kind=evaluation]')].map((e) => ({ verdict: e.dataset.verdict, x: (box(e).left + box(e).right) / 2 }));
    return { gate: g.dataset.gate, verdict: g.dataset.verdict, x: (box(shape).left + box(shape).right) / 2, color: shape.tagName === 'circle' ? st.fill : st.stroke, phase: g.dataset.phase || null, evaluations };
  });
  const labels = [...svg.querySelectorAll('.mark-label')].map((t) => ({ text: t.textContent, cls: t.getAttribute('class') }));
  const line = svg.querySelector('[data-kind=progress]');
  const lanes = [...svg.querySelectorAll('.workload-row .lane')].map(box);
  return {
    ticks, bands, marks, labels,
    progress: line ? { points: line.points.numberOfItems, right: box(line).right, top: box(line).top } : null,
    lane: lanes.length ? { top: Math.min(...lanes.map((l) => l.top)), bottom: Math.max(...lanes.map((l) => l.bottom)) } : null,
  };
})()`;

/** px = a + b * ms, from the first and last tick drawn. */
export function axisOf(d: Drawn): (ms: number) => number {
  const first = d.ticks[0]!;
  const last = d.ticks.at(-1)!;
  assert.ok(last.ms > first.ms, `at least two ticks: ${JSON.stringify(d.ticks)}`);
  const b = (last.x - first.x) / (last.ms - first.ms);
  return (ms) => first.x + b * (ms - first.ms);
}

export const near = (actual: number, expected: number, what: string, tol = 1.5) => assert.ok(Math.abs(actual - expected) <= tol, `${what}: drawn at ${actual.toFixed(1)} px, the record says ${expected.toFixed(1)} px`);

export interface DrawnCounts {
  sections: { id: string; summary: string }[];
  bands: number;
  marks: number;
  evaluations: number;
}

const GREEN = 'rgb(46, 125, 50)';
const RED = 'rgb(198, 40, 40)';

/** Throws (assert) at the first thing drawn otherwise than the records say; the page must be open. */
export async function checkDrawn(browser: Chromium, records: readonly RunRecord[]): Promise<DrawnCounts> {
  const counts = { bands: 0, marks: 0, evaluations: 0 };
  const sections = await browser.evaluate<{ id: string; summary: string }[]>(`[...document.querySelectorAll('details.run')].map((d) => ({ id: d.id, summary: d.querySelector('summary').textContent }))`);
  assert.equal(sections.length, records.length, 'a section per run');
  const sectionOf = (r: RunRecord) => {
    const s = sections.find((x) => x.summary.includes(runLabel(r)));
    assert.ok(s, `a section for ${runLabel(r)}`);
    return s;
  };

  // the matrix links to every run, and each link lands on that run
  const links = await browser.evaluate<{ href: string; text: string }[]>(`[...document.querySelectorAll('table.matrix a.run-link')].map((a) => ({ href: a.getAttribute('href'), text: a.textContent }))`);
  assert.equal(links.length, records.length, 'one link per run');
  for (const r of records) assert.ok(links.some((l) => l.href === `#${sectionOf(r).id}`), `a matrix link to ${runLabel(r)}`);

  for (const r of records) {
    const d = await browser.evaluate<Drawn>(measure(sectionOf(r).id));
    if (!r.gates.length && !r.faults.some((f) => f.injectedAt)) {
      // a skipped run, or one that stopped before its first step: nothing to draw
      assert.equal(d.marks.length + d.bands.length, 0, `${runLabel(r)}: nothing drawn for a run that did nothing`);
      continue;
    }
    const px = axisOf(d);
    const at = (t: number) => px(t - r.startedAt);
    for (const f of r.faults.filter((x) => x.injectedAt)) {
      const band = d.bands.find((b) => b.id === f.id);
      assert.ok(band, `${runLabel(r)}: a band for ${f.id}`);
      counts.bands++;
      near(band.left, at(f.injectedAt!), `${runLabel(r)}: ${f.id} band starts at the inject`);
      if (f.revertedAt) near(band.width, px(f.revertedAt - f.injectedAt!) - px(0), `${runLabel(r)}: ${f.id} band is as wide as the fault lasted (${formatDuration(f.revertedAt - f.injectedAt!)})`);
    }
    assert.equal(d.marks.length, r.gates.length, `${runLabel(r)}: a mark per gate evaluation`);
    r.gates.forEach((g, i) => {
      // gates may share a name: the i-th gate is the i-th mark
      const m = d.marks[i]!;
      counts.marks++;
      counts.evaluations += g.evaluations?.length ?? 0;
      assert.equal(m.gate, g.name, `${runLabel(r)}: mark ${i + 1} is ${g.name}`);
      assert.equal(m.verdict, g.verdict, `${runLabel(r)}: ${g.name}: marked ${g.verdict}`);
      if (g.endedAt) near(m.x, at(g.endedAt), `${runLabel(r)}: ${g.name} marked at its verdict`);
      if (g.verdict === 'pass' || g.verdict === 'fail') assert.equal(m.color, g.verdict === 'pass' ? GREEN : RED, `${runLabel(r)}: ${g.name}: drawn ${g.verdict === 'pass' ? 'green' : 'red'}`);
      const evals = g.evaluations ?? [];
      if (g.verdict === 'pass' || g.verdict === 'fail') assert.ok(evals.length, `${runLabel(r)}: ${g.name}: its evaluations are in the record`);
      assert.deepEqual(m.evaluations.map((e) => e.verdict), evals.map((e) => e[1]), `${runLabel(r)}: ${g.name}: a tick per evaluation, as it said`);
      evals.forEach(([t], k) => near(m.evaluations[k]!.x, at(t), `${runLabel(r)}: ${g.name}: evaluation ${k + 1} where it happened`));
    });
  }
  return { sections, ...counts };
}
