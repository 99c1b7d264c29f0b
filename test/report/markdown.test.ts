import assert from 'node:assert/strict';
import { toMarkdown } from '../../runner/report/markdown.js';
import { buildMatrix } from '../../runner/report/matrix.js';
import { gate, record, sweep } from './fixtures.js';

/** Cells of a Markdown table row, honouring \| escapes. */
function cells(line: string): string[] {
  return line.replace(/^\|\s*|\s*\|$/g, '').split(/\s*(?<!\\)\|\s*/);
}

describe('report/markdown', () => {
  it('renders the matrix as a table', () => {
    const records = sweep();
    const lines = toMarkdown(buildMatrix(records), records).split('\n');
    const head = lines.findIndex((l) => l.startsWith('| scenario'));
    assert.deepEqual(cells(lines[head]!), ['scenario', 'local', 'kwok']);
    assert.match(lines[head + 1]!, /^\|( --- \|){3}$/);
    assert.deepEqual(cells(lines[head + 2]!), ['deep-check', '3/3 pass', '-']);
    assert.deepEqual(cells(lines[head + 3]!), ['power-off-mid-upload', '2/3 flaky', 'skipped: stand kwok lacks s3']);
    assert.match(lines.join('\n'), /NOT GREEN\*\* — 9 runs \(5 pass, 1 fail, 3 skipped\)/);
  });

  it('lists one line per failed gate', () => {
    const records = sweep();
    const md = toMarkdown(buildMatrix(records), records);
    const failures = md.split('## Failures')[1]!.trim().split('\n');
    assert.deepEqual(failures, ['- power-off-mid-upload @ local #2: new upload works within 30s — fail: no success after 30.0 s (bound 30 s)']);
  });

  it('has no failure section when everything passed', () => {
    const records = [record()];
    assert.ok(!toMarkdown(buildMatrix(records), records).includes('## Failures'));
  });

  it('keeps pipes and markup in names from breaking the table', () => {
    const r = record({ scenarioName: 'a|b <img src=x>', status: 'fail', gates: [gate({ name: 'x|y', verdict: 'fail', value: 'line1\nline2' })] });
    const md = toMarkdown(buildMatrix([r]), [r]);
    const row = md.split('\n').find((l) => l.startsWith('| a'))!;
    assert.equal(cells(row).length, 2);
    assert.doesNotMatch(md, /(?<!\\)</, 'every < is escaped');
    assert.ok(md.includes('\\<img src=x\\>'));
    assert.match(md, /x\\\|y — fail: line1 line2/);
  });
});
