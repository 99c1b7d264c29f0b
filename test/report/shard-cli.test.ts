/** `faultline run --shard i/n` on "two machines" (two processes), then `faultline merge`: together they are the whole sweep. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../../runner/core/files.js';
import { readResults } from '../../runner/report/merge.js';

const bin = join(packageRoot(), 'bin', 'faultline.js');
const scenario = join(packageRoot(), 'test', 'fixtures', 'scenarios', 'minimal.yaml');
const stand = join(packageRoot(), 'test', 'fixtures', 'stands', 'plain.yaml');
const cli = (...args: string[]) => execa('node', [bin, ...args], { reject: false, timeout: 120_000, env: { NO_COLOR: '1' } });

describe('cli: run --shard, then merge', function () {
  this.timeout(5 * 60_000);
  let root: string;
  before(async () => (root = await mkdtemp(join(tmpdir(), 'faultline-shards-'))));
  after(() => rm(root, { recursive: true, force: true }));

  it('two shards of one sweep id run disjoint iterations; merged they are all 5, each once', async () => {
    const shards = await Promise.all([1, 2].map((i) => cli('run', scenario, '--stand', stand, '--repeat', '5', '--seed', '100', '--shard', `${i}/2`, '--run-id', 'nightly-1', '--results', root)));
    for (const r of shards) assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual((await readdir(root)).sort(), ['nightly-1.shard-1-of-2', 'nightly-1.shard-2-of-2']);
    const one = (await readResults([join(root, 'nightly-1.shard-1-of-2')])).records;
    const two = (await readResults([join(root, 'nightly-1.shard-2-of-2')])).records;
    assert.deepEqual(one.map((r) => r.iteration), [1, 3, 5]);
    assert.deepEqual(two.map((r) => r.iteration), [2, 4]);
    assert.ok(one.every((r) => r.shard === '1/2' && r.runId === 'nightly-1'));
    assert.ok([...one, ...two].every((r) => r.seed === 100 + r.iteration - 1), 'seeds as in the unsharded sweep');

    const out = join(root, 'merged');
    const m = await cli('merge', root, '--out', out, '--fail-on', 'not-green');
    assert.equal(m.exitCode, 0, m.stderr);
    assert.match(m.stdout, /minimal\s+5\/5 pass/);
    assert.match(m.stdout, /GREEN — 5 runs from 2 results folders/);
    assert.deepEqual((await readResults([out])).records.map((r) => r.iteration), [1, 2, 3, 4, 5]);
    assert.deepEqual((await readdir(join(out, 'runs'))).sort(), [1, 2, 3, 4, 5].map((i) => `minimal--plain--${i}.json`), 'one sweep id: the records keep their plain names');
  });

  it('a bad --shard or --run-id is invalid input', async () => {
    const r = await cli('run', scenario, '--stand', stand, '--shard', '3/2', '--results', root);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /error\[invalid-shard\]: --shard 3\/2: expected i\/n/);
    const id = await cli('run', scenario, '--stand', stand, '--run-id', '../x', '--results', root);
    assert.equal(id.exitCode, 2);
    assert.match(id.stderr, /error\[invalid-run-id\]/);
  });
});
