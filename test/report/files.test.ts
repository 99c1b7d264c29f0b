import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesReporter, unfinished } from '../../runner/report/files.js';
import { buildMatrix } from '../../runner/report/matrix.js';
import type { RunRecord } from '../../runner/report/record.js';
import { failedGate, gate, record, sweep } from './fixtures.js';
import { parseXml } from './xml.js';

const readJson = async (p: string) => JSON.parse(await readFile(p, 'utf8')) as RunRecord;

describe('report/files', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'faultline-files-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('leaves a readable record after run start and a gate, without run end', async () => {
    const files = new FilesReporter(dir);
    const r = record({ gates: [], endedAt: undefined, durationMs: undefined, timeline: [] });
    await files.onSweepStart();
    await files.onRunStart(r);
    const g = gate();
    r.gates.push(g);
    await files.onGate(r, g);
    // crash here: no onRunEnd

    const path = join(dir, 'runs', 'power-off-mid-upload--local--1.json');
    const saved = await readJson(path);
    assert.equal(saved.gates.length, 1);
    assert.equal(saved.gates[0]!.value, 'recovered in 23.4 s (bound 30 s)');
    assert.equal(saved.status, 'interrupted', 'an unfinished record never reads as passed');
    assert.equal(saved.reason, unfinished);
    assert.equal(r.status, 'pass', 'the live record is not touched');
    assert.deepEqual(await readdir(join(dir, 'runs')), ['power-off-mid-upload--local--1.json'], 'no temp file left');
  });

  it('writes a gate the engine has not appended yet', async () => {
    const files = new FilesReporter(dir);
    const r = record({ gates: [], endedAt: undefined });
    await files.onGate(r, failedGate);
    const saved = await readJson(join(dir, 'runs', 'power-off-mid-upload--local--1.json'));
    assert.deepEqual(saved.gates.map((g) => g.verdict), ['fail']);
  });

  it('collapses a burst of writes into the newest record', async () => {
    const files = new FilesReporter(dir);
    const r = record({ timeline: [], endedAt: undefined });
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      r.timeline.push({ type: 'tick', at: i });
      writes.push(files.onEvent(r));
    }
    await Promise.all(writes);
    r.endedAt = r.startedAt + 1;
    await files.onRunEnd(r);
    const saved = await readJson(join(dir, 'runs', 'power-off-mid-upload--local--1.json'));
    assert.equal(saved.timeline.length, 50);
    assert.equal(saved.status, 'pass');
  });

  it('writes matrix.json, junit.xml, summary.md and report.html at sweep end', async () => {
    const files = new FilesReporter(dir);
    const records = sweep();
    const matrix = buildMatrix(records);
    await files.onSweepEnd(matrix, records);
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'matrix.json'), 'utf8')), matrix);
    assert.equal(parseXml(await readFile(join(dir, 'junit.xml'), 'utf8')).attrs.tests, '9');
    assert.match(await readFile(join(dir, 'summary.md'), 'utf8'), /\| power-off-mid-upload \| 2\/3 flaky \|/);
    assert.match(await readFile(join(dir, 'report.html'), 'utf8'), /^<!doctype html>/);
    assert.equal((await readdir(join(dir, 'runs'))).length, 9, 'records that never ended are written too');
  });

  it('still writes the other files when one cannot be written', async () => {
    const files = new FilesReporter(dir);
    await mkdir(join(dir, 'report.html')); // a directory in the way
    const records = sweep();
    await assert.rejects(files.onSweepEnd(buildMatrix(records), records), /report\.html/);
    for (const f of ['matrix.json', 'junit.xml', 'summary.md']) assert.ok((await stat(join(dir, f))).isFile(), f);
  });
});
