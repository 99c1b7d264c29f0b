import assert from 'node:assert/strict';
import { buildMatrix, cellAt, cellLabel, matrixGreen, renderMatrixText } from '../../runner/report/matrix.js';
import { failedGate, record, sweep, t0 } from './fixtures.js';

describe('report/matrix', () => {
  it('aggregates pass, flaky and skipped cells, keeping first-seen order', () => {
    const m = buildMatrix(sweep());
    assert.deepEqual(m.scenarios, ['deep-check', 'power-off-mid-upload']);
    assert.deepEqual(m.stands, ['local', 'kwok']);
    assert.equal(m.cells.length, 3, 'deep-check never ran on kwok: no cell');

    const pass = cellAt(m, 'deep-check', 'local')!;
    assert.equal(pass.status, 'pass');
    assert.equal(cellLabel(pass), '3/3 pass');

    const flaky = cellAt(m, 'power-off-mid-upload', 'local')!;
    assert.equal(flaky.status, 'flaky');
    assert.equal(cellLabel(flaky), '2/3 flaky');
    assert.equal(flaky.failed, 1);
    assert.match(flaky.firstFailure!, /^#2: new upload works within 30s — fail: no success after 30\.0 s \(bound 30 s\)$/);
    assert.deepEqual(flaky.records, [1, 2, 3].map((i) => `runs/power-off-mid-upload--local--${i}.json`));

    const skipped = cellAt(m, 'power-off-mid-upload', 'kwok')!;
    assert.equal(skipped.status, 'skipped');
    assert.equal(cellLabel(skipped), 'skipped: stand kwok lacks s3');
    assert.equal(m.runId, '2025-05-11T10-00-00Z-abcd');
    assert.equal(m.startedAt, t0);
  });

  it('calls a cell with no passing run fail, and one with only errors undecided', () => {
    const fail = [1, 2, 3].map((iteration) => record({ iteration, status: 'fail', gates: [failedGate] }));
    const m = buildMatrix(fail);
    assert.equal(cellLabel(m.cells[0]!), '0/3 fail');
    assert.equal(m.cells[0]!.status, 'fail');

    const cut = buildMatrix([record({ iteration: 1 }), record({ iteration: 2 }), record({ iteration: 3, status: 'interrupted', reason: 'interrupted during step 2' })]);
    assert.equal(cut.cells[0]!.status, 'error', 'an interrupted run is never green');
    assert.equal(cellLabel(cut.cells[0]!), '2/3 interrupted');
    assert.match(cut.cells[0]!.firstFailure!, /interrupted during step 2/);
    assert.equal(matrixGreen(cut), false);
  });

  it('is green only when every cell that ran passed', () => {
    assert.equal(matrixGreen(buildMatrix(sweep())), false);
    const ok = sweep().filter((r) => r.status !== 'fail');
    assert.equal(matrixGreen(buildMatrix(ok)), true, 'pass + skipped cells are green');
    assert.equal(matrixGreen(buildMatrix([])), false, 'nothing ran is not green');
  });

  it('renders an aligned text table with a dash for pairs that never ran', () => {
    const lines = renderMatrixText(buildMatrix(sweep())).split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^scenario\s+local\s+kwok$/);
    assert.match(lines[1]!, /^deep-check\s+3\/3 pass\s+-$/);
    assert.match(lines[2]!, /^power-off-mid-upload\s+2\/3 flaky\s+skipped: stand kwok lacks s3$/);
    const col = lines[0]!.indexOf('local');
    assert.equal(lines[1]!.indexOf('3/3'), col);
    assert.equal(lines[2]!.indexOf('2/3'), col);
    assert.equal(lines[2]!.indexOf('skipped'), lines[0]!.indexOf('kwok'));
  });

  it('lets the caller paint cells without breaking alignment', () => {
    const text = renderMatrixText(buildMatrix(sweep()), { paint: (s, t) => (s === 'none' ? t : `<${s}>${t}</>`) });
    assert.match(text, /<pass>3\/3 pass<\/> +-/);
    assert.match(text, /<flaky>2\/3 flaky<\/> +<skipped>skipped: stand kwok lacks s3<\/>$/);
  });
});
