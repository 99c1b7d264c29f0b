/**
 * The outcome rules around proof: a fault whose effect is not confirmed makes the run
 * `unknown` (never pass), and so does a steady-state gate failing before the first fault.
 * test.effect (engine-harness.ts) is a test-only fault whose confirm() observes what the
 * spec says; the real faults' confirms are tested on the real stands (test/faults, test/kube).
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bareStand, calls, confirmLooks, flipAt, journalPath, testCatalog } from './engine-harness.js';
import { executeRun } from '../../runner/engine/run.js';
import { exitCodeFor } from '../../runner/engine/sweep.js';
import { Journal, journalBegin } from '../../runner/engine/journal.js';
import { loadScenarioFile } from '../../runner/scenario/load.js';
import { buildMatrix, cellLabel } from '../../runner/report/matrix.js';
import { problemLines } from '../../runner/report/format.js';
import type { Scenario } from '../../runner/scenario/types.js';

async function scenario(name: string, steps: string, extra = ''): Promise<Scenario> {
  const dir = await mkdtemp(join(tmpdir(), 'fl-eff-'));
  const file = join(dir, 's.yaml');
  await writeFile(file, `apiVersion: faultline/v1\nkind: Scenario\nmetadata: { name: ${name} }\nspec:\n  timeout: 1m\n${extra}  steps:\n${steps}`);
  const { scenario: s, problems } = await loadScenarioFile(file, testCatalog);
  assert.deepEqual(problems, []);
  return s!;
}

async function run(s: Scenario) {
  const dir = await mkdtemp(join(tmpdir(), 'fl-effrun-'));
  const journal = await Journal.open(dir);
  journalPath.current = journal.path;
  await journal.append(journalBegin('t'));
  const record = await executeRun(s, bareStand(), { catalog: testCatalog, runId: 't', iteration: 1, seed: 1, signal: new AbortController().signal, journal, reporter: { name: 'none' }, confirmTimeoutMs: 800 });
  await journal.close();
  return record;
}

describe('fault effects and the unknown outcome', () => {
  beforeEach(() => {
    calls.splice(0);
    confirmLooks.clear();
  });

  it('records a confirmed effect and passes', async () => {
    const r = await run(await scenario('seen', '    - fault: { test.effect: { label: a, effect: seen } }\n'));
    assert.equal(r.status, 'pass');
    assert.equal(r.faults[0]!.effect?.ok, true);
    assert.match(r.faults[0]!.effect!.value, /a seen after 1 look/);
    assert.ok(r.timeline.some((e) => e.type === 'fault.effect' && e.ok === true));
  });

  it('keeps looking until the effect shows within the bound', async () => {
    const r = await run(await scenario('late', '    - fault: { test.effect: { label: l, effect: late } }\n'));
    assert.equal(r.status, 'pass');
    assert.match(r.faults[0]!.effect!.value, /seen after 3 look/);
  });

  it('a fault whose effect never shows makes the run unknown, stops it, and still reverts', async () => {
    flipAt.current = 0;
    const s = await scenario('never', '    - fault: { test.effect: { label: n, effect: never } }\n    - gate: { name: fine, probe: { test.flip: {} } }\n');
    const r = await run(s);
    assert.equal(r.status, 'unknown');
    assert.match(r.reason!, /effect of test.effect \(.*\) not confirmed: not seen within 800 ms: n not seen/);
    assert.equal(r.gates.length, 0, 'the gates after it were not judged');
    assert.deepEqual(calls, ['inject n journaled=true', 'revert n']);
    assert.equal(exitCodeFor([r]), 1, 'unknown is never a pass');
    assert.match(problemLines(r).join('\n'), /effect of test.effect not confirmed/);
    assert.equal(cellLabel(buildMatrix([r]).cells[0]!), '0/1 unknown');
  });

  it('a driver that cannot observe the effect makes the run unknown at once', async () => {
    const t0 = Date.now();
    const r = await run(await scenario('blind', '    - fault: { test.effect: { label: b, effect: unobservable } }\n'));
    assert.ok(Date.now() - t0 < 700, 'no waiting for an observation that cannot come');
    assert.equal(r.status, 'unknown');
    assert.match(r.faults[0]!.effect!.value, /cannot be confirmed: .*the driver cannot look/);
  });

  it('a steady-state gate failing before the first fault: unknown, "stand was not healthy before the first fault"', async () => {
    flipAt.current = Date.now() + 60_000;
    const s = await scenario('unhealthy', '    - gate: { name: healthy before, probe: { test.flip: {} } }\n    - fault: { test.record: { label: f } }\n', '  continueOnFailure: true\n');
    const r = await run(s);
    assert.equal(r.status, 'unknown');
    assert.match(r.reason!, /^stand was not healthy before the first fault: gate "healthy before" fail: not yet/);
    assert.deepEqual(calls, [], 'no fault was injected on an unhealthy stand');
  });

  it('the same gate failing after a fault is a failure of the scenario', async () => {
    flipAt.current = Date.now() + 60_000;
    const r = await run(await scenario('after', '    - fault: { test.record: { label: g } }\n    - gate: { name: recovers, probe: { test.flip: {} } }\n'));
    assert.equal(r.status, 'fail');
  });

  it('a failing gate in a scenario without faults is a failure, not unknown', async () => {
    flipAt.current = Date.now() + 60_000;
    const r = await run(await scenario('nofault', '    - gate: { name: serves, probe: { test.flip: {} } }\n'));
    assert.equal(r.status, 'fail');
  });
});
