/**
 * Bounded teardown: a workload that never stops cannot hold up the reverts, and an action
 * step or a cmd probe that outlives its bound is killed with every process it started
 * (a grandchild included). Real processes; test.stuck (engine-harness.ts) is a test-only
 * workload whose stop() never returns.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { bareStand, calls, journalPath, testCatalog } from './engine-harness.js';
import { executeRun } from '../../runner/engine/run.js';
import { Journal, journalBegin } from '../../runner/engine/journal.js';
import { loadScenarioFile } from '../../runner/scenario/load.js';
import { isAlive } from '../../runner/core/proc.js';
import cmd from '../../runner/probes/cmd.js';
import type { Scenario } from '../../runner/scenario/types.js';

async function scenario(body: string): Promise<Scenario> {
  const dir = await mkdtemp(join(tmpdir(), 'fl-td-'));
  const file = join(dir, 's.yaml');
  await writeFile(file, `apiVersion: faultline/v1\nkind: Scenario\nmetadata: { name: td }\nspec:\n  timeout: 1m\n${body}`);
  const { scenario: s, problems } = await loadScenarioFile(file, testCatalog);
  assert.deepEqual(problems, []);
  return s!;
}

async function run(s: Scenario, workloadStopMs?: number) {
  const dir = await mkdtemp(join(tmpdir(), 'fl-tdrun-'));
  const journal = await Journal.open(dir);
  journalPath.current = journal.path;
  await journal.append(journalBegin('t'));
  const r = await executeRun(s, bareStand(), { catalog: testCatalog, runId: 't', iteration: 1, seed: 1, signal: new AbortController().signal, journal, reporter: { name: 'none' }, workloadStopMs });
  await journal.close();
  return r;
}

/** A shell that starts a grandchild (its pid in `pidFile`) and waits on it. */
const withGrandchild = (pidFile: string) => `sleep 300 & echo $! > ${pidFile}; wait`;

async function grandchildGone(pidFile: string): Promise<void> {
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  assert.ok(pid > 0);
  await delay(300);
  assert.equal(await isAlive(pid), false, `grandchild ${pid} outlived the bound`);
}

describe('bounded teardown', function () {
  this.timeout(30_000);
  beforeEach(() => calls.splice(0));

  it('a workload that never stops does not hold up the reverts', async () => {
    const s = await scenario('  workloads:\n    - { name: hung, test.stuck: {} }\n  steps:\n    - fault: { test.record: { label: w } }\n');
    const t0 = Date.now();
    const r = await run(s, 500);
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
    assert.deepEqual(calls, ['inject w journaled=true', 'revert w']);
    assert.ok(r.faults[0]!.revertedAt);
    assert.ok(r.timeline.some((e) => e.type === 'workload.stop-timeout' && /did not stop within 500 ms; reverting the faults anyway/.test(String(e.error))));
  });

  it('an action past its bound is killed with its grandchildren', async () => {
    const pidFile = join(await mkdtemp(join(tmpdir(), 'fl-td-')), 'pid');
    const s = await scenario(`  steps:\n    - action: { name: hangs, run: "${withGrandchild(pidFile)}", timeout: 1s }\n`);
    const t0 = Date.now();
    const r = await run(s);
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    assert.equal(r.status, 'error');
    assert.match(r.reason!, /action "hangs": did not finish within its bound of 1\.0 s/);
    await grandchildGone(pidFile);
  });

  it('a cmd probe past its bound is killed with its grandchildren', async () => {
    const pidFile = join(await mkdtemp(join(tmpdir(), 'fl-td-')), 'pid');
    const ctx = { signal: new AbortController().signal, stand: bareStand(), emit: () => {}, workloads: { get: () => undefined }, seed: 0, runId: 't' };
    const obs = await cmd.evaluate({ run: withGrandchild(pidFile), timeout: '800ms' }, ctx);
    assert.equal(obs.ok, false);
    assert.match(obs.value, /timed out after 800 ms/);
    await grandchildGone(pidFile);
  });
});
