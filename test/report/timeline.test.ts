import assert from 'node:assert/strict';
import { timelineModel } from '../../runner/report/timeline.js';
import { timelineSvg } from '../../runner/report/timeline-svg.js';
import { failedGate, gate, record, t0 } from './fixtures.js';

const fault = { step: 1, id: 'cut', kind: 'node.powerOff', description: 'power off node4', injectedAt: t0 + 10_000, revertedAt: t0 + 40_000 };

describe('report/timeline', () => {
  it('a within gate whose bound starts while a fault is in measured a detection; after the revert, a recovery', () => {
    const r = record({
      faults: [fault],
      gates: [
        gate({ name: 'healthy before', startedAt: t0, endedAt: t0 + 100, elapsedMs: 100, boundMs: 30_000 }),
        gate({ name: 'dead peer detected', startedAt: t0 + 10_500, boundStartAt: t0 + 10_000, endedAt: t0 + 16_300, elapsedMs: 6_300, boundMs: 15_000 }),
        { ...failedGate, name: 'new upload works', startedAt: t0 + 17_000, endedAt: t0 + 47_000 },
        gate({ name: 'node rejoins', startedAt: t0 + 41_000, endedAt: t0 + 42_100, elapsedMs: 1_100, boundMs: 60_000 }),
        gate({ name: 'nothing lost', boundMs: undefined, startedAt: t0 + 50_000, endedAt: t0 + 52_000, elapsedMs: 2_000, observation: '300 acknowledged: 0 lost' }),
      ],
      progress: { upload: [[t0 + 1_000, 0.1], [t0 + 9_000, 0.45], [t0 + 30_000, 1]] },
      timeline: [{ type: 'workload.start', at: t0 + 200, name: 'upload' }, { type: 'workload.completed', at: t0 + 30_000, name: 'upload' }],
    });
    const m = timelineModel(r);
    assert.deepEqual(m.gates.map((g) => [g.name, g.phase, g.label]), [
      ['healthy before', undefined, 'passed after 100 ms (bound 30 s)'],
      ['dead peer detected', 'detection', 'detected after 6.3 s (bound 15 s)'],
      ['new upload works', undefined, `fail: ${failedGate.value}`],
      ['node rejoins', 'recovery', 'recovered after 1.1 s (bound 60 s)'],
      ['nothing lost', undefined, 'pass: 300 acknowledged: 0 lost'],
    ]);
    assert.deepEqual(m.gates[1]!.bound, { from: t0 + 10_000, to: t0 + 25_000, text: 'bound 15 s' }, 'the bound counts from `since`');
    assert.deepEqual(m.faults.map((f) => [f.from, f.to, f.reverted]), [[t0 + 10_000, t0 + 40_000, true]]);
    assert.deepEqual(m.workloads[0]!.points[0], [t0 + 200, 0], 'the line starts at 0 when the workload started');
    assert.deepEqual(m.workloads[0]!.settled, { at: t0 + 30_000, state: 'completed' });
    assert.equal(m.end, t0 + 83_400);
  });

  it('a fault never reverted runs to the end of the run, drawn open', () => {
    const r = record({ faults: [{ ...fault, revertedAt: undefined, revertError: 'ssh: no route' }] });
    const [f] = timelineModel(r).faults;
    assert.equal(f!.to, t0 + 83_400);
    assert.equal(f!.reverted, false);
    assert.match(timelineSvg(r, (s) => s), /class="fault-bar open"/);
    assert.match(timelineSvg(r, (s) => s), /never reverted .*revert: ssh: no route/);
  });

  it('records from before gates carried their times place the verdict by the timeline event', () => {
    const r = record({ gates: [gate({ name: 'g' })], timeline: [{ type: 'gate', at: t0 + 20_000, name: 'g', verdict: 'pass' }] });
    const [g] = timelineModel(r).gates;
    assert.equal(g!.at, t0 + 20_000);
    assert.equal(g!.from, t0 + 20_000 - 23_400);
  });
});
