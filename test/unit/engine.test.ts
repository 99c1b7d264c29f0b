import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bareStand, calls, flipAt, hangAfter, journalPath, slowMs, testCatalog } from './engine-harness.js';
import { resolveStand } from '../../runner/stands/resolve.js';
import { executeRun } from '../../runner/engine/run.js';
import { Journal, journalBegin, readJournal } from '../../runner/engine/journal.js';
import { recover } from '../../runner/engine/recover.js';
import { parseYaml } from '../../runner/spec/yaml-document.js';
import { loadScenarioFile } from '../../runner/scenario/load.js';
import { packageRoot } from '../../runner/core/files.js';
import type { Scenario } from '../../runner/scenario/types.js';

async function scenarioFrom(yaml: string): Promise<Scenario> {
  const dir = await mkdtemp(join(tmpdir(), 'fl-scn-'));
  const file = join(dir, 's.yaml');
  await writeFile(file, yaml);
  assert.ok(parseYaml(file, yaml).doc);
  const { scenario, problems } = await loadScenarioFile(file, testCatalog);
  assert.deepEqual(problems, []);
  return scenario!;
}

const head = (name: string, extra = '') => `apiVersion: faultline/v1\nkind: Scenario\nmetadata: { name: ${name} }\nspec:\n  timeout: 1m\n${extra}  steps:\n`;

async function runIt(scenario: Scenario, signal = new AbortController().signal, stand = bareStand()) {
  const dir = await mkdtemp(join(tmpdir(), 'fl-run-'));
  const journal = await Journal.open(dir);
  journalPath.current = journal.path;
  await journal.append(journalBegin('t'));
  const record = await executeRun(scenario, stand, { catalog: testCatalog, runId: 't', iteration: 1, seed: 7, signal, journal, reporter: { name: 'none' } });
  await journal.close();
  return { record, journal: await readJournal(journal.path) };
}

describe('engine', () => {
  beforeEach(() => calls.splice(0));

  it('journals each fault before injecting it and reverts newest first at the end', async () => {
    const s = await scenarioFrom(head('order') + '    - fault: { test.record: { label: a } }\n    - fault: { test.record: { label: b } }\n    - wait: 10ms\n');
    const { record, journal } = await runIt(s);
    assert.equal(record.status, 'pass');
    assert.deepEqual(calls, ['inject a journaled=true', 'inject b journaled=true', 'revert b', 'revert a']);
    assert.deepEqual(journal.pending, []);
    assert.ok(record.faults.every((f) => f.injectedAt && f.revertedAt));
  });

  it('stops at a failed gate, still reverts, and records the measured value', async () => {
    flipAt.current = Date.now() + 60_000;
    const s = await scenarioFrom(head('fails') + '    - fault: { test.record: { label: x } }\n    - gate: { name: never, probe: { test.flip: {} }, within: 600ms }\n    - fault: { test.record: { label: y } }\n');
    const { record } = await runIt(s);
    assert.equal(record.status, 'fail');
    assert.deepEqual(calls, ['inject x journaled=true', 'revert x']);
    const g = record.gates[0]!;
    assert.equal(g.verdict, 'fail');
    assert.match(g.value, /no pass within 600 ms \(bound 600 ms\); last: not yet/);
    assert.match(record.reason!, /gate "never" fail/);
  });

  it('records how long a within-gate took to pass', async () => {
    const s = await scenarioFrom(head('flip') + '    - gate: { name: flips, probe: { test.flip: {} }, within: 5s }\n');
    flipAt.current = Date.now() + 700;
    const { record } = await runIt(s);
    const g = record.gates[0]!;
    assert.equal(g.verdict, 'pass');
    // not before the flip, and within the bound: how much later depends on the machine's load
    assert.ok(g.elapsedMs >= 650 && g.elapsedMs <= 5_000, `elapsed ${g.elapsedMs}`);
    assert.match(g.value, /passed after \d/);
  });

  it('expect: fail passes when the probe observes the failure, and says so', async () => {
    flipAt.current = Date.now() + 60_000;
    const s = await scenarioFrom(head('expect-fail', '  continueOnFailure: true\n') + '    - gate: { name: still down, probe: { test.flip: {} }, expect: fail }\n    - gate: { name: broken stays unknown, probe: { test.broken: {} }, expect: fail }\n');
    const { record } = await runIt(s);
    assert.equal(record.gates[0]!.verdict, 'pass');
    assert.match(record.gates[0]!.value, /failing as expected: not yet/);
    assert.equal(record.gates[1]!.verdict, 'unknown');
  });

  it('a passing answer that arrives after the bound is a fail', async () => {
    slowMs.current = 900;
    const s = await scenarioFrom(head('late') + '    - gate: { name: late, probe: { test.slow: {} }, within: 500ms }\n');
    const { record } = await runIt(s);
    assert.equal(record.gates[0]!.verdict, 'fail');
    assert.match(record.gates[0]!.value, /passed too late after 9\d\d ms \(bound 500 ms\)/);
  });

  it('a last evaluation the bound cuts short does not replace the answer before it, even when the probe words the abort itself', async () => {
    hangAfter.current = Date.now() + 300;
    const s = await scenarioFrom(head('cut') + '    - gate: { name: cut, probe: { test.hangs: {} }, within: 800ms }\n');
    const { record } = await runIt(s);
    assert.equal(record.gates[0]!.verdict, 'fail');
    assert.match(record.gates[0]!.value, /no pass within 800 ms \(bound 800 ms\); last: not yet$/);
  });

  it('a gate on an admin API the stand\'s server lacks is skipped with the reason, and fails nothing', async () => {
    // the real minio.nodes probe; it refuses before any request, so no server is reached
    const stand = bareStand({
      capabilities: new Set(['s3']),
      s3: { endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
      storage: { server: 'seaweedfs', adminProbes: [] },
    });
    const s = await scenarioFrom(head('skip-admin') + '    - gate: { name: peers, probe: { minio.nodes: { offline: { eq: 0 } } }, within: 2s }\n    - fault: { test.record: { label: after } }\n');
    const { record } = await runIt(s, undefined, stand);
    assert.equal(record.status, 'pass', record.reason);
    assert.equal(record.gates[0]!.verdict, 'skipped');
    assert.match(record.gates[0]!.value, /^skipped: .*runs seaweedfs, which has no MinIO admin API/);
    assert.deepEqual(calls, ['inject after journaled=true', 'revert after']);
    // the same probe on a MinIO stand is evaluated (and, with nothing listening, is not skipped)
    const minio = bareStand({ ...stand, storage: { server: 'minio', adminProbes: ['minio.nodes'] } });
    const { record: r2 } = await runIt(s, undefined, minio);
    assert.notEqual(r2.gates[0]!.verdict, 'skipped');
    assert.equal(r2.gates[0]!.verdict, 'fail');
  });

  it('a probe that cannot be evaluated gives unknown, never pass', async () => {
    const s = await scenarioFrom(head('unknown') + '    - gate: { name: broken, probe: { test.broken: {} } }\n');
    const { record } = await runIt(s);
    assert.equal(record.gates[0]!.verdict, 'unknown');
    assert.match(record.gates[0]!.value, /could not evaluate: no route to the thing/);
    assert.equal(record.status, 'fail');
  });

  it('measures availability over a during-window', async () => {
    const s = await scenarioFrom(head('during') + '    - gate: { name: mostly, probe: { test.flip: {} }, during: { window: 1s, min: 90%, every: 100ms } }\n');
    flipAt.current = Date.now() + 500;
    const { record } = await runIt(s);
    const g = record.gates[0]!;
    assert.equal(g.verdict, 'fail');
    assert.ok(g.availability! > 0.2 && g.availability! < 0.8, `availability ${g.availability}`);
    assert.match(g.value, /available over .* \(min 90\.0%\)/);
  });

  it('an interrupt mid-step reverts and marks the run interrupted', async () => {
    const ac = new AbortController();
    const s = await scenarioFrom(head('interrupt') + '    - fault: { test.record: { label: z } }\n    - wait: 30s\n');
    setTimeout(() => ac.abort(new Error('SIGINT')), 300);
    const { record, journal } = await runIt(s, ac.signal);
    assert.equal(record.status, 'interrupted');
    assert.match(record.reason!, /step 2 \(wait 30s\)/);
    assert.deepEqual(calls, ['inject z journaled=true', 'revert z']);
    assert.deepEqual(journal.pending, []);
  });

  it('the scenario timeout stops the run, says which step it hit, and still reverts', async () => {
    const s = await scenarioFrom(head('slow').replace('timeout: 1m', 'timeout: 400ms') + '    - fault: { test.record: { label: t } }\n    - wait: 5s\n');
    const t0 = Date.now();
    const { record } = await runIt(s);
    assert.ok(Date.now() - t0 < 4500, 'stopped at the timeout, not after the 5 s wait');
    assert.equal(record.status, 'fail');
    assert.equal(record.reason, 'scenario timeout 400 ms hit during step 2 (wait 5s)');
    assert.deepEqual(calls, ['inject t journaled=true', 'revert t']);
  });

  it('a failed revert is recorded and left pending in the journal', async () => {
    const s = await scenarioFrom(head('revert-fails') + '    - fault: { test.record: { label: r, failRevert: true } }\n');
    const { record, journal } = await runIt(s);
    assert.match(record.faults[0]!.revertError!, /cannot undo r/);
    assert.equal(journal.pending.length, 1);
    assert.match(journal.pending[0]!.lastError!, /cannot undo r/);
  });

  it('skips a run whose stand lacks a required capability, with the reason', async () => {
    const s = await scenarioFrom(head('needs-s3', '  requires: [s3]\n') + '    - wait: 10ms\n');
    const { record } = await runIt(s);
    assert.equal(record.status, 'skipped');
    assert.equal(record.reason, 'stand bare lacks s3');
  });

  it('classes what stopped a run: a refused preflight fails it, an unsupported fault skips it, a bug is an error', async () => {
    const outcome = async (throws: string) => (await runIt(await scenarioFrom(head(`throw-${throws}`) + `    - fault: { test.throw: { throws: ${throws} } }\n`))).record;
    const refused = await outcome('refused');
    assert.equal(refused.status, 'fail');
    assert.match(refused.reason!, /^step 1 \(throw refused\): preflight refused/);
    const unsupported = await outcome('unsupported');
    assert.equal(unsupported.status, 'skipped');
    assert.match(unsupported.reason!, /unsupported on this stand \(bare\): no such thing here/);
    assert.equal((await outcome('bug')).status, 'error');
  });

  it('recover replays the pending undos of a run that died, newest first', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fl-recover-'));
    const dir = join(root, 'dead-run');
    await (await import('node:fs/promises')).mkdir(dir);
    const stand = { name: 'plain', ref: join(packageRoot(), 'test', 'fixtures', 'stands', 'plain.yaml') };
    const lines = [
      { type: 'begin', at: 1, runId: 'dead', pid: 999_999_999, host: 'x' },
      { type: 'inject', at: 2, id: 'k/0/a', run: 'k', kind: 'test.record', stand, undo: { label: 'first', failRevert: false }, description: 'record first' },
      { type: 'inject', at: 3, id: 'k/1/b', run: 'k', kind: 'test.record', stand, undo: { label: 'second', failRevert: false }, description: 'record second' },
      { type: 'reverted', at: 4, id: 'k/1/b', by: 'run' },
      { type: 'inject', at: 5, id: 'k/2/c', run: 'k', kind: 'test.record', stand, undo: { label: 'third', failRevert: false }, description: 'record third' },
    ];
    await writeFile(join(dir, 'journal.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"type":"inj');
    const log: string[] = [];
    const code = await recover({ tools: { faults: testCatalog.faults, openStand: (ref, signal) => resolveStand(ref, testCatalog, signal) }, resultsRoot: root, force: false, signal: new AbortController().signal, log: (l) => log.push(l) });
    assert.equal(code, 0);
    assert.deepEqual(calls, ['revert third', 'revert first']);
    assert.ok(log.some((l) => /reverted record third on plain/.test(l)));
    assert.deepEqual((await readJournal(join(dir, 'journal.jsonl'))).pending, []);
    calls.splice(0);
    await recover({ tools: { faults: testCatalog.faults, openStand: (ref, signal) => resolveStand(ref, testCatalog, signal) }, resultsRoot: root, force: false, signal: new AbortController().signal, log: (l) => log.push(l) });
    assert.deepEqual(calls, [], 'a second recover finds nothing left');
    assert.match(await readFile(join(dir, 'journal.jsonl'), 'utf8'), /"by":"recover"/);
  });
});
