/**
 * A run's start reverts what dead runners left on its stand, before any gate: journals in
 * the results roots and in the per-stand index under the state directory (so a journal
 * under an unrelated --results is found too). test.record (engine-harness.ts) records the
 * reverts; the journals are real files.
 */
import assert from 'node:assert/strict';
import { access, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bareStand, calls, flipAt, testCatalog } from './engine-harness.js';
import { runSweep } from '../../runner/engine/sweep.js';
import { resolveStand } from '../../runner/stands/resolve.js';
import { indexJournal } from '../../runner/engine/stale.js';
import { readJournal } from '../../runner/engine/journal.js';
import { loadScenarioFile } from '../../runner/scenario/load.js';
import { packageRoot } from '../../runner/core/files.js';

const standRef = join(packageRoot(), 'test', 'fixtures', 'stands', 'plain.yaml');

async function deadJournal(root: string, label: string, standName = 'plain'): Promise<string> {
  const dir = join(root, `dead-${label}`);
  await mkdir(dir, { recursive: true });
  const lines = [
    { type: 'begin', at: 1, runId: `dead-${label}`, pid: 999_999_999, host: 'elsewhere' },
    { type: 'inject', at: 2, id: `k/0/${label}`, run: 'k', kind: 'test.record', stand: { name: standName, ref: standRef }, undo: { label, failRevert: false }, description: `record ${label}` },
  ];
  const path = join(dir, 'journal.jsonl');
  await writeFile(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return path;
}

describe('start-of-run recovery', () => {
  const oldState = process.env.FAULTLINE_STATE;
  beforeEach(async () => {
    calls.splice(0);
    process.env.FAULTLINE_STATE = await mkdtemp(join(tmpdir(), 'fl-state-'));
  });
  after(() => {
    if (oldState === undefined) delete process.env.FAULTLINE_STATE;
    else process.env.FAULTLINE_STATE = oldState;
  });

  it('reverts faults dead runs left on the stand, from the results root and the index, before the first gate; says so', async () => {
    const results = await mkdtemp(join(tmpdir(), 'fl-results-'));
    const elsewhere = await mkdtemp(join(tmpdir(), 'fl-elsewhere-'));
    const inRoot = await deadJournal(results, 'in-root');
    const indexed = await deadJournal(elsewhere, 'indexed');
    await indexJournal('plain', indexed);
    const otherStand = await deadJournal(results, 'other-stand', 'not-this-one');
    // what writeFileAtomic leaves when its process is killed mid-write, and one of a live writer
    await mkdir(join(results, 'dead-in-root', 'runs'), { recursive: true });
    const halfWritten = join(results, 'dead-in-root', 'runs', 'k--plain--1.json.999999999.0123456789ab.tmp');
    const liveWriters = join(results, 'dead-in-root', 'runs', `k--plain--1.json.${process.pid}.0123456789ab.tmp`);
    await writeFile(halfWritten, '{"scenario":');
    await writeFile(liveWriters, '{"scenario":');
    const file = join(results, 's.yaml');
    await writeFile(file, 'apiVersion: faultline/v1\nkind: Scenario\nmetadata: { name: s }\nspec:\n  steps:\n    - gate: { name: healthy, probe: { test.flip: {} } }\n');
    const { scenario } = await loadScenarioFile(file, testCatalog);
    flipAt.current = 0;
    const log: string[] = [];
    const r = await runSweep({ catalog: testCatalog, openStand: (ref, signal) => resolveStand(ref, testCatalog, signal), scenarios: [scenario!], stands: [bareStand({ name: 'plain' })], resultsRoot: results, yes: false, signal: new AbortController().signal, reporter: () => ({ name: 'none', onRunStart: () => void calls.push('run start') }), log: (l) => log.push(l) });
    assert.equal(r.records[0]!.status, 'pass');
    assert.deepEqual(calls.sort(), ['revert in-root', 'revert indexed', 'run start'].sort());
    assert.equal(calls.at(-1), 'run start', 'the reverts came before the run');
    assert.ok(log.some((l) => /stand plain: run dead-in-root left 1 fault\(s\) in place; reverting them first/.test(l)), log.join('\n'));
    assert.ok(log.some((l) => /reverted record indexed on plain/.test(l)));
    assert.deepEqual((await readJournal(inRoot)).pending, []);
    assert.deepEqual((await readJournal(indexed)).pending, []);
    assert.equal((await readJournal(otherStand)).pending.length, 1, 'another stand\'s fault is not touched');
    assert.match(await readFile(inRoot, 'utf8'), /"by":"recover"/);
    await assert.rejects(access(halfWritten), /ENOENT/, 'the dead runner\'s half-written record is removed');
    await access(liveWriters);
    assert.ok(log.some((l) => l === `run dead-in-root: removed 1 half-written file(s) its runner left: ${halfWritten}`), log.join('\n'));
    // the sweep's own journal is in the index now; the healed ones are gone from it
    const index = await readFile(join(process.env.FAULTLINE_STATE!, 'journals', 'plain.list'), 'utf8');
    assert.ok(!index.includes(indexed) && index.includes(r.resultsDir));
  });
});
