/**
 * The shipped Kubernetes scenarios (scenarios/k8s), each run through the CLI on the real
 * kwok stand, as a user would: exit 0, every gate passes with a measured value, every
 * fault reverted, and the scenario's namespace is gone afterwards (the k8s.apply undo ran).
 * The blockstor replay must pass 3/3, and fail (exit 1, activeDiskful 1) with the buggy reaper.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { pollUntil } from '../../runner/core/abort.js';
import { opts } from '../../runner/kube/client.js';
import { statusOf } from '../../runner/kube/errors.js';
import type { GateResult, RunRecord } from '../../runner/report/record.js';
import { defaultCatalog } from '../../runner/catalog.js';
import { POWER_LABEL } from '../../runner/stands/kwok/components.js';

// dist/test/scenarios -> repository root (the sim's path in the scenarios is relative to it)
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const sim = join(root, 'scenarios', 'k8s', 'support', 'blockstor-sim.mjs');
const scenarioDir = join(root, 'scenarios/k8s');
const UP_MS = 70 * 60_000; // a cold stand builds its tools first
const GONE_MS = 90_000;

interface CliResult {
  exitCode: number;
  json: { exitCode: number; records: RunRecord[] };
  ms: number;
}

/** `faultline run <file> --stand kwok --json`, bounded. */
async function runScenario(file: string, results: string, ms: number): Promise<CliResult> {
  const t0 = Date.now();
  const r = await execa('node', ['bin/faultline.js', 'run', file, '--stand', 'kwok', '--results', results, '--json'], {
    cwd: root,
    reject: false,
    timeout: ms,
    forceKillAfterDelay: 5_000,
  });
  assert.ok(!r.timedOut, `faultline run ${file} did not finish within ${ms / 1000} s`);
  let json: CliResult['json'];
  try {
    json = JSON.parse(r.stdout);
  } catch {
    throw new Error(`faultline run ${file} printed no JSON (exit ${r.exitCode}): ${r.stderr.slice(-2000)}`);
  }
  return { exitCode: r.exitCode ?? -1, json, ms: Date.now() - t0 };
}

function describeRun(r: RunRecord): string {
  return `${r.scenario.name} #${r.iteration}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`;
}

/** Every gate passed with a measured value; `within` gates record how long they took. */
function assertAllPass(res: CliResult, runs: number): void {
  const summary = res.json.records.map(describeRun).join('; ');
  assert.equal(res.exitCode, 0, summary);
  assert.equal(res.json.records.length, runs);
  for (const r of res.json.records) {
    assert.equal(r.status, 'pass', describeRun(r));
    assert.ok(r.gates.length > 0);
    for (const g of r.gates) {
      assert.equal(g.verdict, 'pass', `${g.name}: ${g.value}`);
      assert.ok(g.value.length > 0 && Number.isFinite(g.elapsedMs), `${g.name} has no measured value`);
      if (g.boundMs !== undefined && g.availability === undefined) assert.ok(g.elapsedMs <= g.boundMs, `${g.name}: ${g.elapsedMs} ms > bound ${g.boundMs} ms`);
    }
    for (const f of r.faults) {
      assert.ok(f.revertedAt, `fault ${f.id} (${f.kind}) was not reverted`);
      assert.equal(f.revertError, undefined, `fault ${f.id}: ${f.revertError}`);
    }
  }
}

/** One line per gate, for the test log (these are the figures the release gate reports). */
function figures(res: CliResult): void {
  for (const r of res.json.records) {
    console.log(`      ${r.scenario.name} #${r.iteration}: ${r.status} in ${((r.durationMs ?? 0) / 1000).toFixed(1)} s`);
    for (const g of r.gates as GateResult[]) console.log(`        ${g.verdict} ${g.name}: ${g.value}`);
    for (const f of r.faults) if (f.kind === 'node.drain') console.log(`        drain: ${JSON.stringify(f.details)}`);
  }
  console.log(`      (CLI wall time ${(res.ms / 1000).toFixed(1)} s)`);
}

describe('shipped k8s scenarios (kwok stand, through the CLI)', function () {
  this.timeout(5 * 60_000);
  let core: CoreV1Api;
  let results: string;
  let startedStand = false;

  before(async function () {
    this.timeout(UP_MS + 60_000);
    const status = await execa('node', ['bin/faultline.js', 'stand', 'status', 'kwok'], { cwd: root, reject: false, timeout: 60_000 });
    if (status.exitCode !== 0) {
      const up = await execa('node', ['bin/faultline.js', 'stand', 'up', 'kwok'], { cwd: root, reject: false, timeout: UP_MS, all: true });
      assert.equal(up.exitCode, 0, `stand up kwok failed: ${String(up.all).slice(-2000)}`);
      startedStand = true;
    }
    const stand = await defaultCatalog().stands.get('kwok')!.open('kwok', AbortSignal.timeout(20_000));
    const kc = new KubeConfig();
    kc.loadFromString(stand.kube!.kc.exportConfig());
    core = kc.makeApiClient(CoreV1Api);
    results = await mkdtemp(join(tmpdir(), 'faultline-k8s-scenarios-'));
  });

  after(async function () {
    this.timeout(120_000);
    if (results) await rm(results, { recursive: true, force: true });
    // leave the stand as found
    if (startedStand) await execa('node', ['bin/faultline.js', 'stand', 'down', 'kwok'], { cwd: root, reject: false, timeout: 90_000 });
  });

  /** The scenario's namespace is being deleted right after the run and is gone within a bound. */
  async function assertNamespaceCleaned(ns: string): Promise<void> {
    const read = (signal: AbortSignal) => core.readNamespace({ name: ns }, opts(signal));
    const now = await read(AbortSignal.timeout(20_000)).catch((err) => {
      if (statusOf(err) === 404) return undefined;
      throw err;
    });
    assert.ok(!now || now.metadata?.deletionTimestamp, `namespace ${ns} is still active after the run: the k8s.apply undo did not run`);
    await pollUntil(`namespace ${ns} gone`, GONE_MS, AbortSignal.timeout(GONE_MS + 5_000), async (signal) =>
      read(signal).then(
        () => undefined,
        (err) => (statusOf(err) === 404 ? true : Promise.reject(err)),
      ),
    );
  }

  /** Extra checks after a scenario's run. */
  const checks: Record<string, (r: RunRecord) => Promise<void>> = {
    'node-drain-pdb.yaml': async (r) => {
      const drain = r.faults.find((f) => f.kind === 'node.drain')!;
      assert.ok((drain.details?.evicted as string[]).length >= 2, `drain evicted only ${JSON.stringify(drain.details?.evicted)}`);
      assert.ok((drain.details?.pdbRetries as number) > 0, 'the PDB never refused an eviction: it did not pace the drain');
      const node = await core.readNode({ name: 'node2' }, opts(AbortSignal.timeout(20_000)));
      assert.notEqual(node.spec?.unschedulable, true, 'node2 still cordoned');
    },
    'node-power-off.yaml': async () => {
      const node = await core.readNode({ name: 'node3' }, opts(AbortSignal.timeout(20_000)));
      assert.equal(node.metadata?.labels?.[POWER_LABEL], undefined, 'node3 still powered off');
    },
  };

  const shipped: [file: string, namespace: string, runs: number, ms: number][] = [
    ['state-service-pod-kill.yaml', 'fl-scn-state-service', 1, 4 * 60_000],
    ['node-drain-pdb.yaml', 'fl-scn-node-drain', 1, 5 * 60_000],
    ['mesh-all-replicas-restart.yaml', 'fl-scn-mesh', 1, 5 * 60_000],
    ['node-power-off.yaml', 'fl-scn-power-off', 1, 5 * 60_000],
    ['replay-witness-reap-backfill.yaml', 'fl-scn-blockstor', 3, 6 * 60_000],
  ];

  for (const [file, ns, runs, ms] of shipped) {
    it(`${file}: ${runs === 1 ? 'passes' : `passes ${runs}/${runs}`}, reverts, leaves nothing in ${ns}`, async function () {
      this.timeout(ms + GONE_MS + 60_000);
      const res = await runScenario(join(scenarioDir, file), results, ms + 30_000);
      figures(res);
      assertAllPass(res, runs);
      await checks[file]?.(res.json.records[0]!);
      await assertNamespaceCleaned(ns);
    });
  }

  /** The replay scenario with the sim in another mode; `bound` shortens the 240 s wait where it must fail. */
  async function replayVariant(mode: string, bound: string): Promise<CliResult> {
    const text = (await readFile(join(scenarioDir, 'replay-witness-reap-backfill.yaml'), 'utf8'))
      // the copy lives in a temp dir: point it at the shipped simulator
      .replaceAll('"$FAULTLINE_SCENARIO_DIR/support/blockstor-sim.mjs" ', `"${sim}" ${mode} `)
      .replace(/within 240s|within: 240s/g, (m) => m.replace('240s', bound))
      .replace('repeat: 3', 'repeat: 1')
      .replace('name: replay-witness-reap-backfill', `name: replay-witness-reap-backfill${mode.replace(/^--(mode=)?/, '-')}`)
      .replace('$schema=../../runner', `$schema=${root}/runner`);
    assert.ok(text.includes(`blockstor-sim.mjs" ${mode} status`));
    const file = join(results, `replay${mode.replace(/^--(mode=)?/, '-')}.yaml`);
    await writeFile(file, text);
    return runScenario(file, results, 3 * 60_000);
  }

  it('replay with --buggy (the incident reaper) fails: exit 1, activeDiskful stays 1', async () => {
    const res = await replayVariant('--buggy', '15s');
    figures(res);
    assert.equal(res.exitCode, 1, res.json.records.map(describeRun).join('; '));
    const r = res.json.records[0]!;
    assert.equal(r.status, 'fail');
    const gate = r.gates.find((g) => g.name === 'active diskful == 2 within 15s')!;
    assert.equal(gate.verdict, 'fail');
    assert.match(gate.value, /\$\.activeDiskful = 1 \(want == 2\)/);
    const rc = r.timeline.find((e) => e.type === 'action' && e.name === 'r c --auto-place')!;
    assert.match(String(rc.output), /promoted to diskful[\s\S]*deleted replica node3 by name/);
    assert.ok(r.faults.every((f) => f.revertedAt && !f.revertError));
    await assertNamespaceCleaned('fl-scn-blockstor');
  });

  it('replay with only the resourceVersion precondition (--mode=cas) passes: the reaper gets 409', async () => {
    const res = await replayVariant('--mode=cas', '30s');
    assertAllPass(res, 1);
    const rc = res.json.records[0]!.timeline.find((e) => e.type === 'action' && e.name === 'r c --auto-place')!;
    assert.match(String(rc.output), /409 Conflict; node3 is now diskful, left intact/);
    await assertNamespaceCleaned('fl-scn-blockstor');
  });
});
