/**
 * Seed 000's OpenTofu proof on the real local stand, through the CLI: the shipped
 * state-authority-tofu scenario passes with the pinned tofu (built through the tool
 * pipeline, never taken from PATH); with the guard off, the protected-apply gate fails
 * with what the unguarded apply did instead of refusing; an apply that gets through makes the
 * unchanged-state gate fail with the new serial; with the state object lost after the
 * restart, the no-op plan gate fails with plan's exit 2.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseDocument } from 'yaml';
import { packageRoot } from '../../runner/core/files.js';
import { ensureTool, toolPins } from '../../runner/stands/toolchain.js';
import type { GateResult, RunRecord } from '../../runner/report/record.js';
import { useLocalStand } from '../stands/local/helpers.js';
import { scanDir, scanText } from './secret-scan.js';

const root = packageRoot();
const bin = join(root, 'bin', 'faultline.js');
const shipped = join(root, 'scenarios', 's3', 'state-authority-tofu.yaml');
/** a cold build of tofu is minutes of Go on 2 cores; a busy machine takes several times that */
const BUILD_MS = 60 * 60_000;

async function run(file: string, params: string[]): Promise<{ rec: RunRecord; out: string; results: string }> {
  const results = await mkdtemp(join(tmpdir(), 'fl-tofu-'));
  const r = await execa('node', [bin, 'run', file, '--stand', 'local', '--results', results, '--json', ...params.flatMap((p) => ['--param', p])], {
    reject: false,
    timeout: 900_000,
    env: { NO_COLOR: '1' },
    all: true,
  });
  const out = JSON.parse(r.stdout) as { records: RunRecord[] };
  return { rec: out.records[0]!, out: r.all, results };
}

function gate(rec: RunRecord, name: RegExp): GateResult {
  const g = rec.gates.find((x) => name.test(x.name));
  assert.ok(g, `a gate matching ${name} in ${rec.gates.map((x) => x.name).join(' | ')}`);
  return g;
}

/** The shipped scenario with one step added before the step whose name matches `before`. */
async function variant(insert: Record<string, unknown>, before: RegExp): Promise<string> {
  const doc = parseDocument(await readFile(shipped, 'utf8'));
  const steps = (doc.toJS() as { spec: { steps: { gate?: { name: string } }[] } }).spec.steps;
  const at = steps.findIndex((s) => s.gate && before.test(s.gate.name));
  assert.ok(at > 0);
  steps.splice(at, 0, insert);
  doc.setIn(['spec', 'steps'], doc.createNode(steps));
  const dir = await mkdtemp(join(tmpdir(), 'fl-tofu-variant-'));
  await symlink(join(root, 'scenarios', 's3', 'support'), join(dir, 'support'));
  await writeFile(join(dir, 'scenario.yaml'), doc.toString());
  return join(dir, 'scenario.yaml');
}

describe('OpenTofu state on the local stand (seed 000, state-authority-tofu)', function () {
  const h = useLocalStand();
  let tofu = '';

  before(async function () {
    this.timeout(BUILD_MS + 60_000);
    const started = Date.now();
    tofu = await ensureTool('tofu', AbortSignal.timeout(BUILD_MS), (l) => process.stderr.write(`  ${l}\n`));
    process.stderr.write(`  tofu ready in ${Math.round((Date.now() - started) / 1000)} s: ${tofu}\n`);
  });

  it('the tool pipeline built the release stands/tools.json pins (not a -dev build)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fl-tofu-version-'));
    await writeFile(join(dir, 'tofurc'), '');
    const r = await execa(tofu, ['version', '-json'], { env: { TF_CLI_CONFIG_FILE: join(dir, 'tofurc') }, timeout: 30_000 });
    assert.equal((JSON.parse(r.stdout) as { terraform_version: string }).terraform_version, toolPins().tofu!.version.replace(/^v/, ''));
  });

  it('passes: no-op plan after the restart, the protected apply refused without quorum, the state untouched', async () => {
    const { rec, out, results } = await run(shipped, [`tofu=${tofu}`]);
    assert.equal(rec.status, 'pass', `${rec.reason}\n${out}`);
    for (const g of rec.gates) assert.equal(g.verdict, 'pass', `${g.name}: ${g.value}`);
    assert.match(gate(rec, /^no-op plan after the restart/).observation ?? '', /^exit 0/);
    assert.match(gate(rec, /^protected apply refuses/).observation ?? '', /^exit 3/);
    assert.match(gate(rec, /^state object unchanged/).observation ?? '', /^exit 0/);
    assert.ok(rec.faults.every((f) => f.injectedAt && f.revertedAt), 'every fault reverted');
    assert.deepEqual(rec.faults.map((f) => f.kind), ['node.stop', 'node.partition']);
    // the stack lives in the run's folder; no credential in anything written or printed
    const work = join(results, (await readdir(results))[0]!, 'work', `state-authority-tofu--local--1`, 'tofu');
    assert.match(await readFile(join(work, 'backend.hcl'), 'utf8'), /use_lockfile += true/);
    const creds = h.stand().s3!.credentials!;
    const secrets = [creds.secretAccessKey, creds.accessKeyId];
    const { hits, files } = await scanDir(results, secrets);
    assert.ok(files >= 10, `scanned ${files} files`);
    assert.deepEqual([...hits, ...scanText('output', out, secrets)], []);
  });

  it('fails when the apply is not guarded: the gate measures the unguarded apply hanging on S3, not refused', async () => {
    const { rec, out } = await run(shipped, [`tofu=${tofu}`, 'guard=false']);
    assert.equal(rec.status, 'fail', out);
    const g = gate(rec, /^protected apply refuses/);
    assert.equal(g.verdict, 'fail');
    // tofu retries S3 until the cmd's 50 s bound (elsewhere it may give up sooner, with exit 1)
    assert.match(g.observation!, /^(timed out after 50\.0 s|exit [0-24-9])/);
    assert.ok(rec.faults.every((f) => f.revertedAt), 'the partition was healed');
  });

  it('fails when an apply gets through: the unchanged-state gate measures the new serial', async () => {
    // an unguarded apply of generation 2 once S3 is back, before the gate looks: a real mutation
    const apply = { action: { name: 'an apply that got through', run: 'FAULTLINE_PARAM_GUARD=false "$FAULTLINE_SCENARIO_DIR/support/tofu-state.sh" guarded-apply', timeout: '2m' } };
    const { rec, out } = await run(await variant(apply, /^state object unchanged/), [`tofu=${tofu}`]);
    assert.equal(rec.status, 'fail', out);
    const g = gate(rec, /^state object unchanged/);
    assert.equal(g.verdict, 'fail');
    const [, was, now] = /^exit 1 \(want 0\), \$\.changed = \["serial (\d+) -> (\d+)","etag /.exec(g.observation!) ?? assert.fail(g.observation);
    assert.ok(Number(now) > Number(was), g.observation);
  });

  it('fails when the state is lost across the restart: the no-op plan gate measures exit 2', async () => {
    const lose = { action: { name: 'lose the state object', run: '"$FAULTLINE_SCENARIO_DIR/support/tofu-state.sh" lose-state', timeout: '1m' } };
    const { rec, out } = await run(await variant(lose, /^no-op plan after the restart/), [`tofu=${tofu}`]);
    assert.equal(rec.status, 'fail', out);
    const g = gate(rec, /^no-op plan after the restart/);
    assert.equal(g.verdict, 'fail');
    assert.match(g.observation!, /^exit 2 \(want 0\)/);
  });
});
