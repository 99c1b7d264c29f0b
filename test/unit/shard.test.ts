import assert from 'node:assert/strict';
import { parseShard, shardPlan, type PlanEntry } from '../../runner/engine/shard.js';

function plan(scenarios: string[], stands: string[], repeat: number): PlanEntry[] {
  return scenarios.flatMap((sc) => stands.flatMap((st) => Array.from({ length: repeat }, (_, i) => ({ scenario: { name: sc }, stand: { name: st }, iteration: i + 1 }))));
}
const key = (e: PlanEntry) => `${e.scenario.name}@${e.stand.name}#${e.iteration}`;

describe('engine/shard', () => {
  const full = plan(['power-off', 'deep-check', 'bucket-index', 'kernel', 'drain'], ['local', 'kwok'], 3);

  it('the shards of a plan are disjoint, their union is the plan, sizes differ by at most one', () => {
    for (const n of [1, 2, 3, 4, 7, 30, 31]) {
      const parts = Array.from({ length: n }, (_, i) => shardPlan(full, { index: i + 1, count: n }).map(key));
      const all = parts.flat();
      assert.equal(all.length, full.length, `n=${n}: every entry once`);
      assert.deepEqual(new Set(all), new Set(full.map(key)), `n=${n}: union is the plan`);
      const sizes = parts.map((p) => p.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `n=${n}: sizes ${sizes.join(',')}`);
    }
  });

  it('is deterministic: the same part whatever order the scenarios and stands came in', () => {
    const shuffled = plan(['drain', 'kernel', 'deep-check', 'power-off', 'bucket-index'], ['kwok', 'local'], 3).reverse();
    for (let i = 1; i <= 4; i++) {
      assert.deepEqual(shardPlan(shuffled, { index: i, count: 4 }).map(key), shardPlan(full, { index: i, count: 4 }).map(key));
    }
    assert.deepEqual(shardPlan(full, { index: 2, count: 4 }).map(key), shardPlan(full, { index: 2, count: 4 }).map(key));
  });

  it('splits iterations of one scenario across shards, so a 3x repeat runs on three machines at once', () => {
    const one = plan(['power-off'], ['local'], 3);
    assert.deepEqual([1, 2, 3].map((i) => shardPlan(one, { index: i, count: 3 }).map(key)), [['power-off@local#1'], ['power-off@local#2'], ['power-off@local#3']]);
  });

  it('without a shard the plan is untouched, in its own order', () => {
    assert.deepEqual(shardPlan(full, undefined).map(key), full.map(key));
  });

  it('parses i/n and refuses anything else', () => {
    assert.deepEqual(parseShard('2/5'), { index: 2, count: 5 });
    for (const bad of ['0/3', '4/3', '1/0', '1', 'a/b', '1/3/4', '-1/3']) assert.throws(() => parseShard(bad), /expected i\/n with 1 <= i <= n/, bad);
  });
});
