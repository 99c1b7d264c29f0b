import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '../../runner/core/errors.js';
import { combine, mergedMatrix } from '../../runner/report/combine.js';
import { writeResultsFolder } from '../../runner/report/files.js';
import { buildMatrix, cellAt, cellLabel } from '../../runner/report/matrix.js';
import { mergeRecords, readResults } from '../../runner/report/merge.js';
import type { RunRecord } from '../../runner/report/record.js';
import { failedGate, gate, record, t0 } from './fixtures.js';

/** A results folder as `faultline run` leaves it, for records built in code. */
async function runFolder(root: string, runId: string, records: RunRecord[]): Promise<string> {
  const dir = join(root, runId);
  const rs = records.map((r) => ({ ...r, runId }));
  await writeResultsFolder(dir, buildMatrix(rs), rs, (r) => `runs/${r.scenario.name}--${r.stand.name}--${r.iteration}.json`);
  return dir;
}

const fail = (over: Partial<RunRecord> & { scenarioName?: string; standName?: string } = {}) =>
  record({ status: 'fail', gates: [gate({ name: 'healthy before', boundMs: undefined }), failedGate], ...over });

describe('report/merge', () => {
  let root: string;
  beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'faultline-merge-'))));
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('merges folders of several sweeps, shards and machines: counts add up, one cell per scenario x stand', async () => {
    // machine A ran shard 1/2, machine B shard 2/2 of sweep "nightly"; a later sweep ran again on a second stand
    const a = await runFolder(root, 'nightly.shard-1-of-2', [
      record({ scenarioName: 'deep-check', iteration: 1, host: 'a', shard: '1/2' }),
      record({ iteration: 2, host: 'a', shard: '1/2' }),
    ]);
    const b = await runFolder(root, 'nightly.shard-2-of-2', [
      record({ scenarioName: 'deep-check', iteration: 2, host: 'b', shard: '2/2' }),
      record({ iteration: 1, host: 'b', shard: '2/2' }),
      fail({ iteration: 3, host: 'b', shard: '2/2' }),
    ]);
    const later = await runFolder(root, 'later', [record({ iteration: 1, startedAt: t0 + 3_600_000 }), record({ standName: 'kwok', iteration: 1, startedAt: t0 + 3_600_000 })]);
    // the shards share a sweep id, as `--run-id nightly` gives them
    for (const dir of [a, b]) {
      for (const f of await readdir(join(dir, 'runs'))) {
        const p = join(dir, 'runs', f);
        const r = JSON.parse(await readFile(p, 'utf8')) as RunRecord;
        await writeFile(p, JSON.stringify({ ...r, runId: 'nightly' }));
      }
    }

    const { records, folders } = await readResults([a, b, later]);
    assert.equal(folders.length, 3);
    assert.equal(records.length, 7);
    const m = mergedMatrix(records);
    assert.deepEqual(m.sources, ['later', 'nightly']);
    assert.deepEqual(m.scenarios, ['deep-check', 'power-off-mid-upload']);
    assert.deepEqual(m.stands, ['local', 'kwok'], 'in the order of the sorted records');
    const cell = cellAt(m, 'power-off-mid-upload', 'local')!;
    assert.equal(cell.runs, 4, 'three of nightly (two machines) and one of the later sweep');
    assert.equal(cell.passed, 3);
    assert.equal(cell.failed, 1);
    assert.equal(cellLabel(cell), '3/4 flaky');
    assert.equal(cellAt(m, 'deep-check', 'local')!.runs, 2);
    assert.equal(m.cells.reduce((n, c) => n + c.runs, 0), records.length, 'every record in exactly one cell');
    assert.ok(cell.records.every((p) => /^runs\/(nightly|later)\//.test(p)), `records under their sweep id: ${cell.records.join(', ')}`);
    assert.equal(new Set(m.cells.flatMap((c) => c.records)).size, records.length, 'no two records share a path');
  });

  it('orders the same whatever order the folders come in, and counts a run read twice once', async () => {
    const x = await runFolder(root, 'x', [record({ iteration: 1 }), fail({ iteration: 2, startedAt: t0 + 100_000 }), record({ scenarioName: 'a-first', iteration: 1 })]);
    const y = await runFolder(root, 'y', [record({ iteration: 1, startedAt: t0 - 50_000 }), record({ standName: 'kwok', iteration: 1 })]);
    const forward = (await readResults([x, y])).records;
    const backward = (await readResults([y, x, x])).records;
    const key = (rs: RunRecord[]) => rs.map((r) => `${r.runId}:${r.scenario.name}@${r.stand.name}#${r.iteration}`);
    assert.deepEqual(key(forward), key(backward));
    assert.equal(forward.length, 5, 'x given twice still counts once');
    assert.deepEqual(key(forward), [
      'x:a-first@local#1',
      'y:power-off-mid-upload@kwok#1',
      'x:power-off-mid-upload@local#1',
      'x:power-off-mid-upload@local#2',
      'y:power-off-mid-upload@local#1',
    ]);
    // and the folder holding both run folders reads the same
    assert.deepEqual(key((await readResults([root])).records), key(forward));
  });

  it('keeps the finished copy of a run over a provisional one', () => {
    const provisional = record({ status: 'interrupted', endedAt: undefined, durationMs: undefined });
    const finished = record({ status: 'fail' });
    assert.equal(mergeRecords([[finished], [provisional]])[0]!.status, 'fail');
    assert.equal(mergeRecords([[provisional], [finished]])[0]!.status, 'fail');
  });

  it('merge writes a results folder that reads back as the same runs', async () => {
    const x = await runFolder(root, 'x', [record({ iteration: 1 }), fail({ iteration: 2 })]);
    const y = await runFolder(root, 'y', [record({ iteration: 1 })]);
    const out = join(root, 'merged');
    const combined = await combine({ inputs: [x, y], out, copyRecords: true });
    const again = await readResults([out]);
    assert.deepEqual(again.records, combined.records);
    assert.deepEqual(JSON.parse(await readFile(join(out, 'matrix.json'), 'utf8')).cells[0].records, ['runs/x/power-off-mid-upload--local--1.json', 'runs/y/power-off-mid-upload--local--1.json', 'runs/x/power-off-mid-upload--local--2.json']);
    assert.match(await readFile(join(out, 'summary.md'), 'utf8'), /\| power-off-mid-upload \| 2\/3 flaky \|/);
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    assert.match(junit, /tests="3" failures="1"/);
    assert.match(junit, /testcase name="power-off-mid-upload @ local #1 \(x\)"/, 'runs of different sweeps keep distinct names');
    assert.match(junit, /testcase name="power-off-mid-upload @ local #1 \(y\)"/);
  });

  it('a file under runs/ that is not a record is invalid input at file:line:col', async () => {
    const x = await runFolder(root, 'x', [record()]);
    await writeFile(join(x, 'runs', 'broken.json'), '{\n  "schema": "faultline/run-record/v1",\n  "runId": oops\n}\n');
    await writeFile(join(x, 'runs', 'other.json'), '{"schema": "something/else"}');
    await assert.rejects(readResults([x]), (err: unknown) => {
      assert.ok(err instanceof InvalidInputError);
      assert.equal(err.exitCode, 2);
      assert.match(err.message, /broken\.json:3:12 not JSON: Unexpected token/);
      assert.doesNotMatch(err.message, /oops/, 'the file is not quoted');
      assert.match(err.message, /other\.json:1:1 not a run record: schema is "something\/else"/);
      return true;
    });
  });

  it('a folder with no runs anywhere is refused with a hint', async () => {
    await mkdir(join(root, 'empty'));
    await assert.rejects(readResults([join(root, 'empty')]), /holds no results: neither a runs\/ folder nor run folders/);
    await assert.rejects(readResults([join(root, 'missing')]), /no such results folder/);
  });
});
