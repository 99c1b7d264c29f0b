/**
 * JUnit XML: a testsuite per scenario, a testcase per scenario x stand x iteration.
 * Failed and unknown gates become one <failure> (message: every failing gate with its
 * value and bound); skipped runs <skipped message=why>; error/interrupted runs <error>.
 */
import { gateLine, gateValue, problemLines, runDuration, runLabel, seconds } from './format.js';
import type { Matrix, RunRecord } from './record.js';
import type { Comparison } from './record.js';

export function toJUnit(matrix: Matrix, records: readonly RunRecord[]): string {
  // merged from several sweeps, "x @ local #1" is no longer one run: the sweep id tells them apart
  const name = matrix.sources ? (r: RunRecord) => `${runLabel(r)} (${r.runId})` : runLabel;
  const suites = matrix.scenarios.map((sc) => suite(sc, records.filter((r) => r.scenario.name === sc), name));
  const total = tally(records);
  if (matrix.comparison) {
    const b = baselineSuite(matrix.comparison);
    suites.push(b.xml);
    total.tests += b.tests;
    total.failures += b.failures;
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="faultline ${attr(matrix.runId)}" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" skipped="${total.skipped}" time="${seconds(matrix.endedAt - matrix.startedAt)}" timestamp="${timestamp(matrix.startedAt)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function suite(scenario: string, runs: RunRecord[], name: (r: RunRecord) => string): string {
  const t = tally(runs);
  const time = runs.reduce((s, r) => s + runDuration(r), 0);
  const start = runs.length ? Math.min(...runs.map((r) => r.startedAt)) : 0;
  const file = runs[0]?.scenario.file;
  return [
    `  <testsuite name="${attr(scenario)}" tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="${t.skipped}" time="${seconds(time)}" timestamp="${timestamp(start)}"${file ? ` file="${attr(file)}"` : ''}>`,
    ...runs.map((r) => testcase(r, name(r))),
    '  </testsuite>',
  ].join('\n');
}

function testcase(r: RunRecord, name: string): string {
  const open = `    <testcase name="${attr(name)}" classname="${attr(r.scenario.name)}" time="${seconds(runDuration(r))}">`;
  const body: string[] = [];
  const problems = problemLines(r);
  if (r.status === 'skipped') {
    body.push(`      <skipped message="${attr(r.reason ?? 'skipped')}"/>`);
  } else if (r.status === 'error' || r.status === 'interrupted' || r.status === 'unknown') {
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
    const effect = f.effect ? `, effect ${f.effect.ok ? 'confirmed' : 'NOT confirmed'}: ${f.effect.value}` : '';
    const by = f.revertedBy ? ` by ${f.revertedBy}` : '';
    lines.push(`fault ${f.kind}: ${f.description} (injected ${at(f.injectedAt)}, reverted ${at(f.revertedAt)}${by}${effect})`);
  }
  return lines.join('\n');
}

/**
 * The comparison with the baseline as its own suite: a failing testcase per regression and
 * new flake, a passing one (with the numbers in system-out) per slower recovery and fix.
 */
function baselineSuite(c: Comparison): { xml: string; tests: number; failures: number } {
  const cases: string[] = [];
  let failures = 0;
  const add = (kind: string, name: string, what: string, failed: boolean) => {
    const body = failed ? `      <failure message="${attr(`${kind}: ${what}`)}" type="${kind}"/>` : `      <system-out>${text(what)}</system-out>`;
    if (failed) failures++;
    cases.push(`    <testcase name="${attr(`${kind}: ${name}`)}" classname="baseline">`, body, '    </testcase>');
  };
  for (const x of c.regressions) add('regression', `${x.scenario} @ ${x.stand}`, x.text, true);
  for (const x of c.newFlakes) add('new-flake', `${x.scenario} @ ${x.stand}`, x.text, true);
  for (const x of c.slower) add('slower', `${x.scenario} @ ${x.stand}: ${x.gate}`, x.text, false);
  for (const x of c.fixes) add('fix', `${x.scenario} @ ${x.stand}`, x.text, false);
  const tests = c.regressions.length + c.newFlakes.length + c.slower.length + c.fixes.length;
  const head = `  <testsuite name="${attr(`baseline ${c.baseline.join(', ')}`)}" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="0.000">`;
  return { xml: [head, ...cases, '  </testsuite>'].join('\n'), tests, failures };
}

function tally(runs: readonly RunRecord[]) {
  const n = (s: RunRecord['status'][]) => runs.filter((r) => s.includes(r.status)).length;
  return { tests: runs.length, failures: n(['fail']), errors: n(['error', 'interrupted', 'unknown']), skipped: n(['skipped']) };
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
