import assert from 'node:assert/strict';
import { ProgressSamples } from '../../runner/engine/progress-samples.js';
import type { ProgressSample } from '../../runner/report/record.js';

describe('engine/progress-samples', () => {
  it('keeps one sample per interval, the finish, and the newest thinned one at flush', () => {
    const into: Record<string, ProgressSample[]> = {};
    const s = new ProgressSamples(into, 250);
    for (let t = 0; t <= 1000; t += 10) s.add('upload', t / 2000, t); // every 10 ms
    s.add('upload', 0.5, 1005); // unchanged value: dropped
    s.flush();
    assert.deepEqual(into.upload!.map((p) => p[0]), [0, 250, 500, 750, 1000]);
    s.add('upload', 0.6, 1010);
    s.add('upload', 1, 1020);
    assert.deepEqual(into.upload!.at(-1), [1020, 1], 'reaching 100% is always kept');
    s.add('ledger', 0.1, 0);
    s.add('ledger', 0.2, 100);
    s.flush();
    assert.deepEqual(into.ledger, [[0, 0.1], [100, 0.2]], 'the last value seen survives thinning');
  });

  it('stops at its cap', () => {
    const into: Record<string, ProgressSample[]> = {};
    const s = new ProgressSamples(into, 1, 5);
    for (let i = 1; i <= 50; i++) s.add('w', i / 100, i * 10);
    assert.equal(into.w!.length, 5);
  });
});
