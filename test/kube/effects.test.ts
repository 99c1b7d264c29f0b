/**
 * Proof of effect on the real kwok control plane: cordon, drain, pod kills, scale and
 * power-off are each confirmed after a real inject; and a deliberately broken wrapper of
 * the fault (its inject does nothing, or for pod kills reports the live pods' UIDs without
 * deleting them), registered under a test-only kind, makes the run `unknown`.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultDef, Stand } from '../../runner/core/contracts.js';
import { extendCatalog } from '../../runner/core/catalog.js';
import { defaultCatalog } from '../../runner/catalog.js';
import { opts } from '../../runner/kube/client.js';
import { executeRun } from '../../runner/engine/run.js';
import { Journal, journalBegin } from '../../runner/engine/journal.js';
import { loadScenarioFile } from '../../runner/scenario/load.js';
import type { RunRecord } from '../../runner/report/record.js';
import { createNamespace, deleteNamespace, deployment, listPods, makeContext, openKwok, type Kwok } from './harness.js';

/** A copy of a real fault under `test.broken.<kind>` whose inject does not touch the cluster. */
function brokenCopy(kind: string, inject: FaultDef['inject'] = async () => undefined): string {
  const real = defaultCatalog().faults.get(kind)!;
  const name = `test.broken.${kind}`;
  brokenFaults.push({ ...real, kind: name, inject });
  return name;
}
const brokenFaults: FaultDef[] = [];

async function runOn(stand: Stand, steps: string, confirmTimeoutMs = 15_000): Promise<RunRecord> {
  const dir = await mkdtemp(join(tmpdir(), 'fl-keff-'));
  const file = join(dir, 's.yaml');
  await writeFile(file, `apiVersion: faultline/v1\nkind: Scenario\nmetadata: { name: effect }\nspec:\n  timeout: 3m\n  steps:\n${steps}`);
  const { scenario, problems } = await loadScenarioFile(file, catalog());
  assert.deepEqual(problems, []);
  const journal = await Journal.open(dir);
  await journal.append(journalBegin('keff'));
  try {
    return await executeRun(scenario!, stand, { catalog: catalog(), runId: 'keff', iteration: 1, seed: 3, signal: AbortSignal.timeout(240_000), journal, reporter: { name: 'none' }, confirmTimeoutMs });
  } finally {
    await journal.close();
  }
}

let k: Kwok;
// registered before any scenario is loaded
const broken = {
  cordon: brokenCopy('node.cordon'),
  drain: brokenCopy('node.drain'),
  scale: brokenCopy('scale'),
  apply: brokenCopy('k8s.apply'),
  // says it stamped the template, stamps nothing
  restart: brokenCopy('rollout.restart', async () => ({ restartedAt: '2000-01-01T00:00:00.000Z', generation: 1 })),
  // reports the UIDs it would have killed, kills none
  podKill: brokenCopy('pod.kill', async () => ({ uids: (await listPods(k, ns, 'app=web')).slice(0, 2).map((p) => p.metadata!.uid!) })),
};
let ns: string;
/** the real kinds and the broken copies */
const catalog = () => extendCatalog(defaultCatalog(), { faults: brokenFaults });

describe('fault effects on the kwok stand', function () {
  this.timeout(300_000);
  const ready = defaultCatalog().probes.get('k8s.workloadReady')!;

  before(async () => {
    k = await openKwok();
    ns = await createNamespace(k, 'fl-effects');
    await k.apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', 4) }, opts(AbortSignal.timeout(20_000)));
    await ready.waitUntil!({ kind: 'Deployment', namespace: ns, name: 'web' }, makeContext(k.stand, AbortSignal.timeout(60_000)));
  });
  after(async () => {
    for (const n of k ? ['node1', 'node2', 'node3', 'node4'] : []) {
      await k.core.patchNode({ name: n, body: { spec: { unschedulable: false } } }, opts(AbortSignal.timeout(20_000), { patch: 'merge' })).catch(() => undefined);
    }
    await deleteNamespace(k, ns);
  });
  const settle = () => ready.waitUntil!({ kind: 'Deployment', namespace: ns, name: 'web' }, makeContext(k.stand, AbortSignal.timeout(60_000)));

  it('node.cordon: confirmed; a cordon that does nothing is unknown', async () => {
    const r = await runOn(k.stand, '    - fault: { node.cordon: { node: node1 } }\n');
    assert.equal(r.status, 'pass', r.reason);
    assert.equal(r.faults[0]!.effect!.value, 'node node1 is unschedulable');
    const b = await runOn(k.stand, `    - fault: { ${broken.cordon}: { node: node1 } }\n`, 2_000);
    assert.equal(b.status, 'unknown');
    assert.match(b.faults[0]!.effect!.value, /node node1 is NOT unschedulable/);
  });

  it('node.drain: confirmed (no evictable pod left, unschedulable); a drain that does nothing is unknown', async () => {
    const b = await runOn(k.stand, `    - fault: { ${broken.drain}: { node: node2, timeout: 60s } }\n`, 2_000);
    assert.equal(b.status, 'unknown');
    assert.match(b.faults[0]!.effect!.value, /NOT unschedulable; \d+ evictable pod\(s\) still on it/);
    const r = await runOn(k.stand, '    - fault: { node.drain: { node: node2, timeout: 60s } }\n');
    assert.equal(r.status, 'pass', r.reason);
    assert.match(r.faults[0]!.effect!.value, /node node2 is unschedulable; no evictable pod left on it/);
    await settle();
  });

  it('pod.kill and pods.killAll: the killed UIDs are gone; pods "killed" without a delete are unknown', async () => {
    const r = await runOn(k.stand, `    - fault: { pod.kill: { namespace: ${ns}, selector: { app: web }, count: 2 } }\n`);
    assert.equal(r.status, 'pass', r.reason);
    assert.match(r.faults[0]!.effect!.value, /^2\/2 killed pod UIDs gone or terminating/);
    await settle();
    const all = await runOn(k.stand, `    - fault: { pods.killAll: { namespace: ${ns}, workload: { kind: Deployment, name: web } } }\n`);
    assert.equal(all.status, 'pass', all.reason);
    assert.match(all.faults[0]!.effect!.value, /^4\/4 killed pod UIDs gone or terminating/);
    await settle();
    const b = await runOn(k.stand, `    - fault: { ${broken.podKill}: { namespace: ${ns}, selector: { app: web }, count: 2 } }\n`, 2_000);
    assert.equal(b.status, 'unknown');
    assert.match(b.faults[0]!.effect!.value, /2\/2 killed pod\(s\) still live with the same UID/);
  });

  it('scale: confirmed; a scale that does nothing is unknown', async () => {
    const r = await runOn(k.stand, `    - fault: { scale: { kind: Deployment, namespace: ${ns}, name: web, replicas: 1 } }\n`);
    assert.equal(r.status, 'pass', r.reason);
    assert.match(r.faults[0]!.effect!.value, /asks for 1 replica\(s\) \(want 1\)/);
    await settle();
    const b = await runOn(k.stand, `    - fault: { ${broken.scale}: { kind: Deployment, namespace: ${ns}, name: web, replicas: 1 } }\n`, 2_000);
    assert.equal(b.status, 'unknown');
    assert.match(b.faults[0]!.effect!.value, /asks for 4 replica\(s\) \(want 1\)/);
  });

  it('k8s.apply: every object is on the server; an apply that does nothing is unknown', async () => {
    const cm = (name: string) => `{ apiVersion: v1, kind: ConfigMap, metadata: { name: ${name}, namespace: ${ns} }, data: { a: b } }`;
    const r = await runOn(k.stand, `    - fault: { k8s.apply: { objects: [${cm('one')}, ${cm('two')}] } }\n`);
    assert.equal(r.status, 'pass', r.reason);
    assert.equal(r.faults[0]!.effect!.value, '2/2 object(s) on the server');
    const b = await runOn(k.stand, `    - fault: { ${broken.apply}: { objects: [${cm('three')}] } }\n`, 2_000);
    assert.equal(b.status, 'unknown');
    assert.equal(b.faults[0]!.effect!.value.replace(/^not seen within [^:]+: /, ''), `1/1 object(s) not on the server: ConfigMap ${ns}/three`);
  });

  it('rollout.restart: the template is stamped and the controller saw it; a restart that stamps nothing is unknown', async () => {
    const r = await runOn(k.stand, `    - fault: { rollout.restart: { kind: Deployment, namespace: ${ns}, name: web } }\n`);
    assert.equal(r.status, 'pass', r.reason);
    assert.match(r.faults[0]!.effect!.value, /^pod template stamped \d{4}-\d\d-\d\dT[\d:.]+Z; controller observed generation (\d+) \(restart is \1\)$/);
    await settle();
    const b = await runOn(k.stand, `    - fault: { ${broken.restart}: { kind: Deployment, namespace: ${ns}, name: web } }\n`, 2_000);
    assert.equal(b.status, 'unknown');
    assert.match(b.faults[0]!.effect!.value, /pod template restartedAt is \S+, not 2000-01-01T00:00:00\.000Z/);
  });

  it('node.powerOff: confirmed once its kubelet stops heartbeating; a power-off that does nothing is unknown', async () => {
    const r = await runOn(k.stand, '    - fault: { node.powerOff: { node: node3 } }\n');
    assert.equal(r.status, 'pass', r.reason);
    assert.match(r.faults[0]!.effect!.value, /faultline.dev\/power=off, node lease last renewed \d+\.\d s ago/);
    assert.ok(r.faults[0]!.effect!.elapsedMs >= 3_000, 'the silence takes a few missed renewals to show');
    const real = k.stand.nodes!;
    const blind: Stand = { ...k.stand, nodes: { ...real, kind: real.kind, list: real.list, powerOff: async () => {}, powerOn: real.powerOn, powerState: real.powerState } };
    const b = await runOn(blind, '    - fault: { node.powerOff: { node: node3 } }\n', 8_000);
    assert.equal(b.status, 'unknown');
    assert.match(b.faults[0]!.effect!.value, /power=on, node lease last renewed \d\.\d s ago/);
  });
});
