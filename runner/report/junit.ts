/**
 * JUnit XML: a testsuite per scenario, a testcase per scenario x stand x iteration.
 * Failed and unknown gates become one <failure> (message: every failing gate with its
 * value and bound); skipped runs <skipped message=why>; error/interrupted runs <error>.
 */
import { gateLine, gateValue, problemLines, runDuration, runLabel, seconds } from './format.js';
import type { Matrix, RunRecord } from './record.js';

export function toJUnit(matrix: Matrix, records: readonly RunRecord[]): string {
  const suites = matrix.scenarios.map((sc) => suite(sc, records.filter((r) => r.scenario.name === sc)));
  const total = tally(records);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="faultline ${attr(matrix.runId)}" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" skipped="${total.skipped}" time="${seconds(matrix.endedAt - matrix.startedAt)}" timestamp="${timestamp(matrix.startedAt)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function suite(scenario: string, runs: RunRecord[]): string {
  const t = tally(runs);
  const time = runs.reduce((s, r) => s + runDuration(r), 0);
  const start = runs.length ? Math.min(...runs.map((r) => r.startedAt)) : 0;
  const file = runs[0]?.scenario.file;
  return [
    `  <testsuite name="${attr(scenario)}" tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="${t.skipped}" time="${seconds(time)}" timestamp="${timestamp(start)}"${file ? ` file="${attr(file)}"` : ''}>`,
    ...runs.map(testcase),
    '  </testsuite>',
  ].join('\n');
}

function testcase(r: RunRecord): string {
  const open = `    <testcase name="${attr(runLabel(r))}" classname="${attr(r.scenario.name)}" time="${seconds(runDuration(r))}">`;
  const body: string[] = [];
  const problems = problemLines(r);
  if (r.status === 'skipped') {
    body.push(`      <skipped message="${attr(r.reason ?? 'skipped')}"/>`);
  } else if (r.status === 'error' || r.status === 'interrupted') {
    const message = r.reason ? `${r.status}: ${r.reason}` : r.status;
    body.push(`      <error message="${attr(message)}" type="${r.status}">${text(problems.join('\n'))}</error>`);
  } else if (r.status === 'fail') {
    const failing = r.gates.filter((g) => g.verdict !== 'pass' && g.verdict !== 'skipped');
    const message = failing.length ? failing.map((g) => `${g.name} — ${g.verdict}: ${gateValue(g)}`).join('; ') : problems.join('; ');
    const type = failing.some((g) => g.verdict === 'fail') || failing.length === 0 ? 'fail' : 'unknown';
    const detail = [...problems, ...failing.filter((g) => g.observation).map((g) => `${g.name}: last observation: ${g.observation}`)];
    body.push(`      <failure message="${attr(message)}" type="${type}">${text(detail.join('\n'))}</failure>`);
  }
  body.push(`      <system-out>${text(systemOut(r))}</system-out>`);
  return [open, ...body, '    </testcase>'].join('\n');
}

/** Every gate and fault of the run, so a CI page shows the whole story. */
function systemOut(r: RunRecord): string {
  const lines = [`stand ${r.stand.name} (${r.stand.driver}), iteration ${r.iteration}/${r.repeat}, seed ${r.seed}`];
  for (const g of r.gates) lines.push(`[${g.verdict}] ${gateLine(g)}`);
  for (const f of r.faults) {
    const at = (t?: number) => (t === undefined ? '-' : `+${seconds(t - r.startedAt)} s`);
    lines.push(`fault ${f.kind}: ${f.description} (injected ${at(f.injectedAt)}, reverted ${at(f.revertedAt)})`);
  }
  return lines.join('\n');
}

function tally(runs: readonly RunRecord[]) {
  const n = (s: RunRecord['status'][]) => runs.filter((r) => s.includes(r.status)).length;
  return { tests: runs.length, failures: n(['fail']), errors: n(['error', 'interrupted']), skipped: n(['skipped']) };
}

/** ISO 8601 without zone (as the JUnit schema wants); always UTC. */
function timestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

// Characters XML 1.0 cannot carry at all, even escaped (C0 controls except tab/LF/CR, lone surrogates, U+FFFE/F).
const invalidXml = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function text(s: string): string {
  return s.replace(invalidXml, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values also keep quotes and line breaks (which parsers would otherwise fold). */
function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
