/** cmd probe: exit codes, stdout and JSON expectations pass and fail; timeouts kill the whole pipeline. */
import { strict as assert } from 'node:assert';
import { setTimeout as delay } from 'node:timers/promises';
import { execFileSync } from 'node:child_process';
import probe, { type CmdSpec } from '../../runner/probes/cmd.js';
import { bareStand, ctxFor } from './helpers.js';

const secret = 'sk-test-very-secret';
const stand = bareStand({ s3: { endpoint: 'http://10.0.0.1:9000', region: 'us-east-1', credentials: { accessKeyId: 'AKIATEST', secretAccessKey: secret } } });
const run = (spec: CmdSpec, ms = 30_000) => probe.evaluate(spec, ctxFor(stand, ms));
const json = (obj: unknown) => `echo '${JSON.stringify(obj)}'`;

describe('probe cmd', function () {
  this.timeout(60_000);

  it('passes on exit 0 and reports it', async () => {
    const obs = await run({ run: 'true', timeout: '5s' });
    assert.equal(obs.ok, true);
    assert.match(obs.value, /^exit 0, in \d+ ms$/);
  });

  it('fails on an unexpected exit code; `nonzero` and an exact code pass', async () => {
    const bad = await run({ run: 'exit 2', timeout: '5s' });
    assert.equal(bad.ok, false);
    assert.match(bad.value, /^exit 2 \(want 0\)/);
    assert.equal((await run({ run: 'exit 2', timeout: '5s', exit: 'nonzero' })).ok, true);
    assert.equal((await run({ run: 'exit 2', timeout: '5s', exit: 2 })).ok, true);
    assert.equal((await run({ run: 'true', timeout: '5s', exit: 'nonzero' })).ok, false);
  });

  it('checks a JSON path: equals, min and max, with the measured value in the verdict', async () => {
    const doc = { resources: [{ name: 'r0', diskful: true }, { name: 'r1', diskful: true }], active: { diskful: 2 } };
    const eq = await run({ run: json(doc), timeout: '5s', json: { path: '$.active.diskful', equals: 2 } });
    assert.equal(eq.ok, true, eq.value);
    assert.match(eq.value, /^exit 0, \$\.active\.diskful = 2 \(want == 2\), in/);
    assert.equal(eq.data!.value, 2);
    const low = await run({ run: json(doc), timeout: '5s', json: { path: 'active.diskful', min: 3 } });
    assert.equal(low.ok, false);
    assert.match(low.value, /active\.diskful = 2 \(want >= 3\)/);
    const range = await run({ run: json(doc), timeout: '5s', json: { path: '$.resources.length', min: 2, max: 2 } });
    assert.equal(range.ok, true, range.value);
    const deep = await run({ run: json(doc), timeout: '5s', json: { path: '$.resources[0]', equals: { name: 'r0', diskful: true } } });
    assert.equal(deep.ok, true, deep.value);
    const none = await run({ run: json(doc), timeout: '5s', json: { path: '$.missing', equals: 1 } });
    assert.equal(none.ok, false);
    assert.match(none.value, /\$\.missing matched nothing/);
    const notJson = await run({ run: 'echo nope', timeout: '5s', json: { path: '$.x', equals: 1 } });
    assert.equal(notJson.ok, false);
    assert.match(notJson.value, /stdout is not JSON/);
  });

  it('checks stdout text', async () => {
    assert.equal((await run({ run: 'echo No changes. Your infrastructure matches', timeout: '5s', stdout: { contains: 'No changes' } })).ok, true);
    const miss = await run({ run: 'echo Plan: 1 to add', timeout: '5s', stdout: { matches: '^No changes' } });
    assert.equal(miss.ok, false);
    assert.match(miss.value, /stdout does not match/);
  });

  it('runs an argv without a shell', async () => {
    const obs = await run({ run: ['sh', '-c', 'exit 4'], timeout: '5s', exit: 4 });
    assert.equal(obs.ok, true, obs.value);
    assert.equal((await run({ run: 'printf %s "a b"', shell: false, timeout: '5s', stdout: { contains: '"a' } })).ok, true);
  });

  it('gives the command the stand coordinates and scrubs secrets from what it records', async () => {
    const obs = await run({ run: 'echo "$FAULTLINE_S3_ENDPOINT $AWS_SECRET_ACCESS_KEY" >&2; exit 1', timeout: '5s' });
    assert.equal(obs.ok, false);
    assert.match(String(obs.data!.stderr), /^http:\/\/10\.0\.0\.1:9000 \*\*\*$/);
    assert.ok(!JSON.stringify(obs).includes(secret));
  });

  it('times out as a failed observation and kills the whole process group', async () => {
    const marker = `faultline-cmd-timeout-${process.pid}`;
    const t0 = Date.now();
    const obs = await run({ run: `sleep 30 # ${marker}`, timeout: '500ms' });
    assert.equal(obs.ok, false);
    assert.equal(obs.value, 'timed out after 500 ms');
    assert.ok(Date.now() - t0 < 5000, 'returned promptly');
    await delay(200);
    const left = execFileSync('ps', ['-eo', 'args']).toString().split('\n').filter((l) => l.includes(marker) && !l.includes('ps -eo'));
    assert.deepEqual(left, [], 'no process of the pipeline is left');
  });

  it('cannot be evaluated when the command does not exist (unknown, not fail)', async () => {
    await assert.rejects(run({ run: ['no-such-command-faultline'], timeout: '5s' }), /cmd `no-such-command-faultline`: no-such-command-faultline not found on PATH/);
  });

  it('aborts with the run', async () => {
    const ctx = ctxFor(stand);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('run aborted')), 200);
    await assert.rejects(probe.evaluate({ run: 'sleep 10', timeout: '30s' }, { ...ctx, signal: ac.signal }), /run aborted/);
  });
});
