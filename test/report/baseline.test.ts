import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../../runner/core/files.js';
import { compare, failReasons, parseFailOn } from '../../runner/report/baseline.js';
import { mergedMatrix } from '../../runner/report/combine.js';
import { writeResultsFolder } from '../../runner/report/files.js';
import { toHtml } from '../../runner/report/html.js';
import { toJUnit } from '../../runner/report/junit.js';
import { toMarkdown } from '../../runner/report/markdown.js';
import type { RunRecord } from '../../runner/report/record.js';
import { failedGate, gate, record } from './fixtures.js';
import { parseXml } from './xml.js';

const bin = join(packageRoot(), 'bin', 'faultline.js');
const cli = (...args: string[]) => execa('node', [bin, ...args], { reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });

type Over = Partial<RunRecord> & { scenarioName?: string; standName?: string };
const pass = (o: Over) => record({ ...o });
const fail = (o: Over) => record({ status: 'fail', gates: [failedGate], ...o });
/** a run whose "node rejoins" within-gate passed after `ms` */
const rejoin = (ms: number, o: Over = {}) => record({ scenarioName: 'power-off', gates: [gate({ name: 'node rejoins', elapsedMs: ms, boundMs: 60_000 })], ...o });
const three = (f: (i: number) => RunRecord) => [1, 2, 3].map(f);

/** before: stable passes, a failing and a flaky scenario; after: each has moved. */
function sweeps(): { before: RunRecord[]; after: RunRecord[] } {
  const before = [
    ...three((i) => pass({ runId: 'mon', scenarioName: 'regressed', iteration: i })),
    ...three((i) => fail({ runId: 'mon', scenarioName: 'fixed', iteration: i })),
    ...three((i) => pass({ runId: 'mon', scenarioName: 'flaked', iteration: i })),
    ...three((i) => pass({ runId: 'mon', scenarioName: 'steady', iteration: i })),
    ...three((i) => rejoin(1_100 + i * 10, { runId: 'mon', iteration: i })),
    pass({ runId: 'mon', scenarioName: 'dropped' }),
  ];
  const after = [
    ...three((i) => fail({ runId: 'tue', scenarioName: 'regressed', iteration: i })),
    ...three((i) => pass({ runId: 'tue', scenarioName: 'fixed', iteration: i })),
    ...three((i) => (i === 2 ? fail : pass)({ runId: 'tue', scenarioName: 'flaked', iteration: i })),
    ...three((i) => pass({ runId: 'tue', scenarioName: 'steady', iteration: i })),
    ...three((i) => rejoin(4_900 + i * 10, { runId: 'tue', iteration: i })),
    pass({ runId: 'tue', scenarioName: 'added' }),
  ];
  return { before, after };
}

function compared() {
  const { before, after } = sweeps();
  return compare({ matrix: mergedMatrix(after), records: after }, { matrix: mergedMatrix(before), records: before });
}

describe('report/baseline', () => {
  it('finds the regression, the fix, the new flake and the slower recovery, and nothing for steady cells', () => {
    const c = compared();
    assert.deepEqual(c.baseline, ['mon']);
    assert.deepEqual(c.regressions.map((x) => [x.scenario, x.was, x.now, x.text]), [
      ['regressed', 'pass', 'fail', '3/3 pass → 0/3 fail'],
      ['flaked', 'pass', 'flaky', '3/3 pass → 2/3 flaky'],
    ]);
    assert.deepEqual(c.fixes.map((x) => [x.scenario, x.text]), [['fixed', '0/3 fail → 3/3 pass']]);
    assert.deepEqual(c.newFlakes.map((x) => x.scenario), ['flaked']);
    assert.equal(c.slower.length, 1);
    assert.deepEqual([c.slower[0]!.scenario, c.slower[0]!.gate, c.slower[0]!.baselineMs, c.slower[0]!.currentMs], ['power-off', 'node rejoins', 1_120, 4_920]);
    assert.match(c.slower[0]!.text, /node rejoins: 1\.1 s → 4\.9 s \(×4\.4, median\)/);
    assert.deepEqual(c.added, ['added @ local']);
    assert.deepEqual(c.removed, ['dropped @ local']);
  });

  it('a cell that passed and now errs (a run that proved nothing) is a regression; back to pass is a fix', () => {
    const err = (o: Over) => record({ status: 'error', reason: 'fault inject failed', gates: [], ...o });
    const mon = three((i) => pass({ runId: 'mon', scenarioName: 'divergence', iteration: i }));
    const tue = three((i) => (i === 3 ? err : pass)({ runId: 'tue', scenarioName: 'divergence', iteration: i }));
    const c = compare({ matrix: mergedMatrix(tue), records: tue }, { matrix: mergedMatrix(mon), records: mon });
    assert.deepEqual(c.regressions.map((x) => [x.scenario, x.was, x.now]), [['divergence', 'pass', 'error']]);
    const back = compare({ matrix: mergedMatrix(mon), records: mon }, { matrix: mergedMatrix(tue), records: tue });
    assert.deepEqual(back.fixes.map((x) => [x.scenario, x.was, x.now]), [['divergence', 'error', 'pass']]);
  });

  it('recovery that grew within the ratio, or by less than the floor, is not slower', () => {
    const before = three((i) => rejoin(3_000, { runId: 'mon', iteration: i }));
    const a = three((i) => rejoin(4_200, { runId: 'tue', iteration: i }));
    assert.equal(compare({ matrix: mergedMatrix(a), records: a }, { matrix: mergedMatrix(before), records: before }).slower.length, 0, '×1.4 < ×1.5');
    const small = three((i) => rejoin(20, { runId: 'mon', iteration: i }));
    const smallAfter = three((i) => rejoin(900, { runId: 'tue', iteration: i }));
    assert.equal(compare({ matrix: mergedMatrix(smallAfter), records: smallAfter }, { matrix: mergedMatrix(small), records: small }).slower.length, 0, '+880 ms < 1 s floor');
    assert.equal(compare({ matrix: mergedMatrix(a), records: a }, { matrix: mergedMatrix(before), records: before }, { ratio: 1.2 }).slower.length, 1, 'a lower ratio catches it');
  });

  it('says it in every output: summary.md, junit.xml and report.html (on top)', () => {
    const { after } = sweeps();
    const m = mergedMatrix(after);
    m.comparison = compared();
    const md = toMarkdown(m, after);
    assert.match(md, /## Baseline: against mon: 2 regressions, 1 fix, 1 new flake, 1 slower recovery \(\\>×1\.5\), 1 new, 1 no longer run/);
    assert.match(md, /\*\*Regressions\*\*\n\n- regressed @ local: 3\/3 pass → 0\/3 fail\n- flaked @ local: 3\/3 pass → 2\/3 flaky/);
    assert.ok(md.indexOf('## Baseline') < md.indexOf('| scenario |'), 'comparison above the matrix');
    const suite = parseXml(toJUnit(m, after)).children.find((s) => s.attrs.name === 'baseline mon')!;
    assert.equal(suite.attrs.failures, '3', 'two regressions and a new flake fail');
    assert.equal(suite.attrs.tests, '5');
    const html = toHtml(m, after);
    assert.ok(html.indexOf('id="baseline"') < html.indexOf('<h2>Matrix</h2>'), 'comparison on top');
    assert.match(html, /<h3 class="regression">Regressions \(2\)<\/h3>/);
    assert.match(html, /node rejoins: 1\.1 s → 4\.9 s/);
  });

  it('--fail-on kinds', () => {
    const c = compared();
    assert.deepEqual(failReasons(parseFailOn(['regression']), true, c), ['2 regressions']);
    assert.deepEqual(failReasons(parseFailOn(['new-flake,slower']), true, c), ['1 new flake', '1 slower recovery']);
    assert.deepEqual(failReasons(parseFailOn(['not-green']), false, undefined), ['the matrix is not green']);
    assert.deepEqual(failReasons([], false, c), []);
    assert.throws(() => parseFailOn(['regressions']), /expected one of regression, new-flake, slower, not-green/);
  });

  describe('through the CLI', () => {
    let root: string;
    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'faultline-baseline-'));
      const { before, after } = sweeps();
      await writeResultsFolder(join(root, 'mon'), mergedMatrix(before), before, (r) => `runs/${r.scenario.name}--${r.stand.name}--${r.iteration}.json`);
      await writeResultsFolder(join(root, 'tue'), mergedMatrix(after), after, (r) => `runs/${r.scenario.name}--${r.stand.name}--${r.iteration}.json`);
    });
    after(() => rm(root, { recursive: true, force: true }));

    it('--fail-on regression exits 1 when there is one, and writes every output first', async () => {
      const out = join(root, 'report-fail');
      const r = await cli('report', join(root, 'tue'), '--baseline', join(root, 'mon'), '--out', out, '--fail-on', 'regression');
      assert.equal(r.exitCode, 1, r.stderr);
      assert.match(r.stderr, /failing \(--fail-on regression\): 2 regressions/);
      assert.match(r.stdout, /baseline against mon: 2 regressions, 1 fix/);
      assert.equal(JSON.parse(await readFile(join(out, 'matrix.json'), 'utf8')).comparison.regressions.length, 2);
      for (const f of ['summary.md', 'junit.xml', 'report.html']) assert.ok((await readFile(join(out, f), 'utf8')).length > 0, f);
    });

    it('without --fail-on the same comparison exits 0', async () => {
      const r = await cli('report', join(root, 'tue'), '--baseline', join(root, 'mon'), '--out', join(root, 'report-ok'));
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, /2 regressions/);
    });

    it('--fail-on regression with no regression exits 0; against itself nothing changed', async () => {
      const r = await cli('report', join(root, 'tue'), '--baseline', join(root, 'tue'), '--out', join(root, 'report-self'), '--fail-on', 'regression,new-flake,slower');
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, /0 regressions, 0 fixes, 0 new flakes, 0 slower recoveries/);
    });

    it('--fail-on regression without --baseline is invalid input, before anything is written', async () => {
      const r = await cli('report', join(root, 'tue'), '--out', join(root, 'never'), '--fail-on', 'regression');
      assert.equal(r.exitCode, 2);
      assert.match(r.stderr, /error\[fail-on-needs-baseline\]/);
      assert.match(r.stderr, /hint: add --baseline/);
      await assert.rejects(readFile(join(root, 'never', 'matrix.json')));
    });

    it('merge writes a results folder; --fail-on not-green fails a red matrix', async () => {
      const out = join(root, 'merged');
      const r = await cli('merge', join(root, 'mon'), join(root, 'tue'), '--out', out, '--fail-on', 'not-green');
      assert.equal(r.exitCode, 1, r.stderr);
      assert.match(r.stdout, /NOT GREEN — 32 runs from 2 results folders/);
      const again = await cli('report', out, '--out', join(root, 'again'));
      assert.equal(again.exitCode, 0, again.stderr);
      assert.match(again.stdout, /32 runs from 1 results folder\b/);
    });
  });
});
