/** CLI: --param, plan's resolved values and stand names, limits refused by validate/plan/run, empty files. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../../runner/core/files.js';

const bin = join(packageRoot(), 'bin', 'faultline.js');
// stripFinalNewline off: whether the error text ends with a newline is under test
const cli = (...args: string[]) => execa('node', [bin, ...args], { reject: false, timeout: 60_000, env: { NO_COLOR: '1' }, stripFinalNewline: false });

let dir: string;
let standFile: string;
let scn: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fl-cli-params-'));
  standFile = join(dir, 'guarded.yaml');
  await writeFile(
    standFile,
    `apiVersion: faultline/v1
kind: Stand
metadata: { name: guarded }
spec:
  s3: { endpoint: "http://127.0.0.1:1" }
  params:
    bucket: stand-bucket
    unusedHere: 1
  limits:
    maxNodesDown: 1
    allowNodes: [node1, node2, node3]
`,
  );
  scn = join(dir, 'p.yaml');
  await writeFile(
    scn,
    `apiVersion: faultline/v1
kind: Scenario
metadata: { name: p }
spec:
  params:
    node: { type: string, default: node2, description: node to stop }
    bucket: { type: string, default: gate-x }
    bound: { type: duration, default: 30s }
  steps:
    - id: stop
      fault: { node.stop: { node: "\${{ params.node }}" } }
    - gate: { name: "healthy within \${{ params.bound }}", probe: { s3.deepCheck: { bucket: "\${{ params.bucket }}" } }, within: "\${{ params.bound }}" }
`,
  );
});

describe('cli: params and limits', () => {
  it('plan shows every param with its value and source, the names the stand offers, and the environment commands get', async () => {
    const r = await cli('plan', scn, '--stand', standFile, '--param', 'bound=45s');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^ {4}node = "node2" \(default\) — node to stop$/m);
    assert.match(r.stdout, /^ {4}bucket = "stand-bucket" \(stand file .*guarded\.yaml\)$/m);
    assert.match(r.stdout, /^ {4}bound = "45s" \(--param\)$/m);
    assert.match(r.stdout, /stand file params this scenario does not declare \(ignored\): unusedHere/);
    assert.match(r.stdout, /stand offers: S3 http:\/\/127\.0\.0\.1:1 \(us-east-1\)/);
    assert.match(r.stdout, /actions and cmd probes get: .*FAULTLINE_PARAM_NODE, FAULTLINE_PARAM_BUCKET, FAULTLINE_PARAM_BOUND.*FAULTLINE_S3_ENDPOINT/);
    assert.match(r.stdout, /within the limits of .*guarded\.yaml/);
    // the stand has no node driver: the run would be skipped, and plan says why
    assert.match(r.stdout, /SKIPPED: stand lacks nodes/);
    const gateOnly = join(dir, 'q.yaml');
    await writeFile(gateOnly, (await readFile(scn, 'utf8')).replace(/ {4}- id: stop\n.*\n/, '').replace('name: p', 'name: q'));
    const q = await cli('plan', gateOnly, '--stand', standFile, '--param', 'bound=45s');
    assert.equal(q.exitCode, 0, q.stderr);
    assert.match(q.stdout, /1\. gate "healthy within 45s": .*until it passes, within 45\.0 s/);
  });

  it('a --param outside the limits is refused by validate --stand, plan and run, naming the step and the limit; nothing runs', async () => {
    for (const args of [
      ['validate', scn, '--stand', standFile, '--param', 'node=node4'],
      ['plan', scn, '--stand', standFile, '--param', 'node=node4'],
      ['run', scn, '--stand', standFile, '--param', 'node=node4', '--results', join(dir, 'results')],
    ]) {
      const r = await cli(...args);
      assert.equal(r.exitCode, 2, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, /p\.yaml:11:16 spec\.steps\[0\]\.fault\.node\.stop: step 1 node\.stop \(stop\): node "node4" is outside the allow-list: the stand guarded allows limits\.allowNodes: \["node1","node2","node3"\] \(.*guarded\.yaml:11:17\)/);
      assert.ok(r.stderr.endsWith('\n'), 'the error text ends with a newline');
    }
    await assert.rejects(readdir(join(dir, 'results')), 'no results folder: refused before anything ran');
  });

  it('an unknown or ill-typed --param is invalid input; --set is gone (params replace it)', async () => {
    const unknown = await cli('validate', scn, '--param', 'nod=node1');
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /--param nod unknown param: no scenario here declares it \(declared: bound, bucket, node\)/);
    const typed = await cli('validate', scn, '--param', 'bound=fast');
    assert.equal(typed.exitCode, 2);
    assert.match(typed.stderr, /--param bound=fast must be a duration like 30s/);
    const set = await cli('validate', scn, '--set', 'upload.size=1GiB');
    assert.equal(set.exitCode, 2);
    assert.match(set.stderr, /unknown option '--set'/);
  });

  it('a scenario file holding only a comment or ~ is invalid input at 1:1 (exit 2), ending with a newline', async () => {
    for (const text of ['# only a comment\n', '~\n']) {
      const f = join(dir, 'empty.yaml');
      await writeFile(f, text);
      const r = await cli('validate', f);
      assert.equal(r.exitCode, 2, r.stderr);
      assert.match(r.stderr, /^error\[invalid-input\]: 1 problem found:\n {2}.*empty\.yaml:1:1 holds no document; a scenario is a mapping/);
      assert.doesNotMatch(r.stderr, /internal|Cannot read/);
      assert.ok(r.stderr.endsWith('\n'));
    }
  });
});
