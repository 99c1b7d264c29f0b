/**
 * Undo notes on the real kwok control plane: while a fault is active its objects carry
 * what to undo; a normal revert removes the note; and after a runner AND its watchdog are
 * SIGKILLed and the run folder (journal included) is deleted, as on another machine,
 * `faultline recover --stand kwok` heals the cluster from the notes alone.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { pollUntil } from '../../runner/core/abort.js';
import { packageRoot } from '../../runner/core/files.js';
import { opts } from '../../runner/kube/client.js';
import { findNotes, UNDO_LABEL, UNDO_PREFIX } from '../../runner/kube/undo-notes.js';
import { defaultCatalog } from '../../runner/catalog.js';
import { createNamespace, deleteNamespace, deployment, makeContext, openKwok, type Kwok } from './harness.js';

const cli = join(packageRoot(), 'bin', 'faultline.js');
const s = () => AbortSignal.timeout(20_000);

describe('undo notes and recover --stand (kwok stand)', function () {
  this.timeout(300_000);
  let k: Kwok;
  let ns: string;

  before(async () => {
    k = await openKwok();
    ns = await createNamespace(k, 'fl-notes');
    await k.apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', 4) }, opts(s()));
    await defaultCatalog().probes.get('k8s.workloadReady')!.waitUntil!({ kind: 'Deployment', namespace: ns, name: 'web' }, makeContext(k.stand, AbortSignal.timeout(60_000)));
  });
  after(async () => {
    await k?.core.patchNode({ name: 'node4', body: { spec: { unschedulable: false } } }, opts(s(), { patch: 'merge' })).catch(() => undefined);
    await deleteNamespace(k, ns);
  });

  const scenario = async (dir: string, tail: string) => {
    const file = join(dir, 'notes.yaml');
    await writeFile(
      file,
      `apiVersion: faultline/v1
kind: Scenario
metadata: { name: notes }
spec:
  requires: [kubernetes]
  steps:
    - fault: { k8s.apply: { objects: [{ apiVersion: v1, kind: ConfigMap, metadata: { name: fl-notes-cm, namespace: ${ns} }, data: { a: b } }] } }
    - fault: { scale: { kind: Deployment, namespace: ${ns}, name: web, replicas: 1 } }
    - fault: { node.cordon: { node: node4 } }
${tail}`,
    );
    return file;
  };
  const node4 = () => k.core.readNode({ name: 'node4' }, opts(s()));
  const noteKeys = (m?: { annotations?: Record<string, string> }) => Object.keys(m?.annotations ?? {}).filter((x) => x.startsWith(UNDO_PREFIX));

  it('a normal run leaves no note behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fl-notes-'));
    const r = await execa(process.execPath, [cli, 'run', await scenario(dir, ''), '--stand', 'kwok', '--results', dir], { reject: false, timeout: 120_000, cwd: dir });
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    const n = await node4();
    assert.deepEqual(noteKeys(n.metadata), []);
    assert.equal(n.metadata?.labels?.[UNDO_LABEL], undefined);
    assert.deepEqual(await findNotes(k.stand.kube!.kc, s()), []);
  });

  it('runner and watchdog SIGKILLed, journal deleted: recover --stand heals from the notes alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fl-notes-'));
    const runner = execa(process.execPath, [cli, 'run', await scenario(dir, '    - wait: 2m\n'), '--stand', 'kwok', '--results', dir], { reject: false, timeout: 200_000, cwd: dir });
    const runDir = async () => join(dir, (await readdir(dir)).find((d) => d !== 'notes.yaml') ?? 'not-yet');
    await pollUntil('three faults in and confirmed', 90_000, AbortSignal.timeout(100_000), async () => {
      const text = await readFile(join(await runDir(), 'runs', 'notes--kwok--1.json'), 'utf8').catch(() => '');
      return (text.match(/"effect"/g) ?? []).length >= 2 && /"node.cordon"[\s\S]*"injectedAt"/.test(text) ? true : undefined;
    }, 100);
    runner.kill('SIGKILL');
    await runner;
    const wd = Number(await readFile(join(await runDir(), 'watchdog.pid'), 'utf8'));
    process.kill(wd, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });

    const n = await node4();
    assert.equal(n.spec?.unschedulable, true, 'the cordon is still in place');
    assert.equal(noteKeys(n.metadata).length, 1);
    assert.equal(n.metadata?.labels?.[UNDO_LABEL], 'pending');
    const found = await findNotes(k.stand.kube!.kc, s());
    assert.deepEqual(found.map((f) => f.note.kind).sort(), ['k8s.apply', 'node.cordon', 'scale']);

    const elsewhere = await mkdtemp(join(tmpdir(), 'fl-notes-elsewhere-'));
    const rec = await execa(process.execPath, [cli, 'recover', '--stand', 'kwok', '--results', elsewhere], { reject: false, timeout: 120_000, cwd: elsewhere });
    assert.equal(rec.exitCode, 0, rec.stdout + rec.stderr);
    assert.match(rec.stdout, /reverted cordon node node4 .*from the note on Node node4/);
    assert.match(rec.stdout, /recover kwok: 3 reverted, 0 failed/);
    const after = await node4();
    assert.notEqual(after.spec?.unschedulable, true);
    assert.deepEqual(noteKeys(after.metadata), []);
    assert.equal((await k.apps.readNamespacedDeploymentScale({ namespace: ns, name: 'web' }, opts(s()))).spec?.replicas, 4);
    await assert.rejects(k.core.readNamespacedConfigMap({ namespace: ns, name: 'fl-notes-cm' }, opts(s())));
    assert.deepEqual(await findNotes(k.stand.kube!.kc, s()), []);
  });
});
