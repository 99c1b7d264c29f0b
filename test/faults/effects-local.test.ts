/**
 * Proof of effect on the real local stand: each node fault's effect is confirmed after a
 * real inject (and recorded in the run record), and the same run on a deliberately broken
 * driver wrapper, whose inject operation does nothing while every observation is the real
 * one, ends `unknown`: the fault did not happen and the run says so instead of passing.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeDriver, Stand } from '../../runner/core/contracts.js';
import { executeRun } from '../../runner/engine/run.js';
import { Journal, journalBegin } from '../../runner/engine/journal.js';
import { loadScenarioFile } from '../../runner/scenario/load.js';
import { XR_KERNEL } from '../../runner/stands/local/kernel.js';
import type { RunRecord } from '../../runner/report/record.js';
import { useLocalStand } from '../stands/local/helpers.js';
import { defaultCatalog } from '../../runner/catalog.js';
import { ctxFor } from '../probes/helpers.js';

const cases: { kind: string; spec: string; op: keyof NodeDriver; effect: RegExp; missing: RegExp }[] = [
  { kind: 'node.powerOff', spec: '{ node: node4 }', op: 'powerOff', effect: /none answered within 1000 ms \(no SYN-ACK, no RST\)/, missing: /node4 still answers: connect from node1 answered \(open/ },
  { kind: 'node.partition', spec: '{ groups: [[node1, node2], [node3, node4]] }', op: 'partition', effect: /8\/8 connects across groups dropped; 2\/2 inside groups answered/, missing: /0\/8 connects across groups dropped/ },
  { kind: 'node.pause', spec: '{ node: node2 }', op: 'pause', effect: /1\/1 storage processes on node2 in state T/, missing: /0\/1 storage processes on node2 in state T/ },
  { kind: 'node.kill', spec: '{ node: node2 }', op: 'kill', effect: /^1\/1 storage process\(es\) on node2 gone; none runs$/, missing: /1\/1 storage process\(es\) on node2 still alive/ },
  { kind: 'node.stop', spec: '{ node: node3 }', op: 'stop', effect: /^1\/1 storage process\(es\) on node3 gone; none runs$/, missing: /1\/1 storage process\(es\) on node3 still alive/ },
  { kind: 'disk.fill', spec: '{ node: node3, drive: 2, to: 90% }', op: 'fillDisk', effect: /drive 2 of node3: .* free of 1(\.0)? GiB \(target at most 102\.4 MiB/, missing: /drive 2 of node3: .* free of 1/ },
  { kind: 'node.bootKernel', spec: `{ node: node1, kernel: ${XR_KERNEL}, force: true }`, op: 'setBootKernel', effect: new RegExp(`node1 runs ${XR_KERNEL.replace(/\./g, '\\.')}$`), missing: /node1 runs 6\.12\.0-124.* \(want 6\.12\.0-200/ },
];

/** The real stand with `op` replaced by a no-op: the fault "succeeds" without happening. */
function broken(stand: Stand, op: keyof NodeDriver): Stand {
  const real = stand.nodes!;
  const nodes = new Proxy(real, {
    get: (t, k, r) => (k === op ? async () => (op === 'fillDisk' ? { file: '/nowhere', bytes: 0 } : undefined) : Reflect.get(t, k, r)),
  });
  return { ...stand, nodes };
}

async function runOn(stand: Stand, kind: string, spec: string): Promise<RunRecord> {
  const dir = await mkdtemp(join(tmpdir(), 'fl-effects-'));
  const file = join(dir, 's.yaml');
  await writeFile(file, `apiVersion: faultline/v1\nkind: Scenario\nmetadata: { name: effect }\nspec:\n  timeout: 3m\n  steps:\n    - fault: { ${kind}: ${spec} }\n`);
  const { scenario, problems } = await loadScenarioFile(file, defaultCatalog());
  assert.deepEqual(problems, []);
  const journal = await Journal.open(dir);
  await journal.append(journalBegin('effects'));
  try {
    return await executeRun(scenario!, stand, { catalog: defaultCatalog(), runId: 'effects', iteration: 1, seed: 1, signal: AbortSignal.timeout(300_000), journal, reporter: { name: 'none' }, confirmTimeoutMs: 4_000 });
  } finally {
    await journal.close();
  }
}

describe('fault effects on the local stand', function () {
  this.timeout(300_000);
  const h = useLocalStand();

  for (const c of cases) {
    it(`${c.kind}: confirmed after a real inject`, async () => {
      const r = await runOn(h.stand(), c.kind, c.spec);
      const f = r.faults[0]!;
      assert.equal(f.effect?.ok, true, `${f.effect?.value} ${r.reason ?? ''}`);
      assert.match(f.effect!.value, c.effect);
      assert.equal(r.status, 'pass');
      assert.ok(f.revertedAt);
    });

    it(`${c.kind}: an inject that does nothing (broken driver wrapper) makes the run unknown`, async () => {
      const r = await runOn(broken(h.stand(), c.op), c.kind, c.spec);
      const f = r.faults[0]!;
      assert.equal(f.effect?.ok, false);
      assert.match(f.effect!.value, c.missing);
      assert.equal(r.status, 'unknown');
      assert.match(r.reason!, new RegExp(`effect of ${c.kind.replace('.', '\\.')} .* not confirmed`));
    });
  }

  it('disk.staleStaging: the drive is as full as asked after the inject, not before it and not after the undo', async () => {
    const stale = defaultCatalog().faults.get('disk.staleStaging')!;
    const spec = { node: 'node3', drive: 2, to: '90%' };
    const ctx = ctxFor(h.stand());
    const undo = await stale.prepare(spec, ctx);
    const effect = async () => stale.confirm!(spec, undo, {}, ctx);
    assert.equal((await effect()).ok, false, 'an empty drive is no proof');
    try {
      await stale.inject(spec, undo, ctx);
      const seen = await effect();
      assert.equal(seen.ok, true, seen.value);
      assert.match(seen.value, /^drive 2 of node3: .* free of 1(\.0)? GiB \(target at most 102\.4 MiB/);
    } finally {
      await stale.revert(undo, ctx);
    }
    assert.equal((await effect()).ok, false, 'the undo gave the space back');
  });
});
