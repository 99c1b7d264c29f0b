/**
 * Runs last: `stand down` leaves nothing behind (also after a crash), the stand refuses
 * clearly without root, and loopback-only mode reports network faults as unsupported.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, CreateBucketCommand } from '@aws-sdk/client-s3';
import { stateDir } from '../../../runner/core/files.js';
import { UnsupportedError } from '../../../runner/core/errors.js';
import { localStand } from '../../../runner/stands/local/index.js';
import { standRoot, statePath } from '../../../runner/stands/local/layout.js';
import { mountsUnder } from '../../../runner/stands/local/drives.js';
import { isAlive, pidsMatching } from '../../../runner/core/proc.js';
import { readState } from '../../../runner/stands/local/state.js';
import { acquireLock } from '../../../runner/core/lock.js';
import { LocalNodeDriver } from '../../../runner/stands/local/driver.js';
import { contextFor, recordingIO, s3Of, standIsUp, waitHttp } from './helpers.js';
import { defaultCatalog } from '../../../runner/catalog.js';

const { faults } = defaultCatalog();

/** Everything of the stand that could be left on the system, by name. */
async function leftovers(): Promise<string[]> {
  const found: string[] = [];
  const ns = (await readdir('/run/netns').catch(() => [] as string[])).filter((n) => /^fl-node\d+$/.test(n));
  if (ns.length) found.push(`namespaces ${ns.join(' ')}`);
  const links = execFileSync('ip', ['-o', 'link', 'show']).toString().split('\n').filter((l) => /: (fl-br0|fl-node\d+-h)[:@]/.test(l));
  if (links.length) found.push(`links ${links.length}`);
  const mounts = await mountsUnder(standRoot());
  if (mounts.length) found.push(`mounts ${mounts.map((m) => m.target).join(' ')}`);
  const procs = await pidsMatching((argv) => argv.some((a) => a.includes(standRoot() + '/')));
  if (procs.length) found.push(`processes ${procs.join(' ')}`);
  const tables = execFileSync('nft', ['list', 'tables']).toString();
  if (/fl_power|fl_partition/.test(tables)) found.push('host nft tables');
  if (await stat(standRoot()).then(() => true, () => false)) found.push('state dir');
  return found;
}

describe('local stand: down (last suite)', function () {
  let was = false;
  let release: (() => Promise<void>) | undefined;

  before(async function () {
    this.timeout(40 * 60_000);
    release = await acquireLock(stateDir('local.tests.lock'), AbortSignal.timeout(31 * 60_000), 30 * 60_000, 'other test runs on the local stand');
    was = await standIsUp();
    if (!was) await localStand.up('local', {}, recordingIO());
  });

  after(async function () {
    this.timeout(400_000);
    try {
      // Leave the machine as this suite found it.
      if (was && !(await standIsUp())) await localStand.down('local', recordingIO()).then(() => localStand.up('local', {}, recordingIO()));
    } finally {
      await release?.();
    }
  });

  it('removes every process, namespace, link, mount, nft table and state file it made', async () => {
    const stand = await localStand.open('local', AbortSignal.timeout(30_000));
    // leave some fault state behind too: a powered-off node (nft table in its namespace), a partition and a fill
    await stand.nodes!.powerOff!('node4', AbortSignal.timeout(30_000));
    await stand.nodes!.partition!([['node1'], ['node2']], AbortSignal.timeout(30_000));
    await stand.nodes!.fillDisk!('node2', 0, 0.5, AbortSignal.timeout(30_000));
    const pids = Object.values((await readState())!.nodes).map((n) => n.pid!);
    const io = recordingIO();
    const t = Date.now();
    await localStand.down('local', io);
    console.log(`      stand down took ${((Date.now() - t) / 1000).toFixed(1)} s: ${io.lines.join(' ')}`);
    assert.deepEqual(await leftovers(), []);
    for (const pid of pids) assert.equal(await isAlive(pid), false, `pid ${pid}`);
    assert.match(io.lines.join('\n'), /removed 3 processes, 4 namespaces, \d+ links?, 16 mounts and the state dir/);
    const again = recordingIO();
    await localStand.down('local', again);
    assert.match(again.lines.join('\n'), /not up; nothing to remove/);
    await assert.rejects(localStand.open('local', AbortSignal.timeout(10_000)), (e: { code: string; hint: string }) => e.code === 'stand-not-up' && e.hint === 'faultline stand up local');
  });

  it('after a crash (no state.json), up clears the leftovers and down still removes everything by name', async function () {
    await localStand.up('local', {}, recordingIO());
    await rm(statePath());
    const io = recordingIO();
    await localStand.up('local', {}, io);
    assert.match(io.lines.join('\n'), /leftovers of an earlier local stand/);
    const stand = await localStand.open('local', AbortSignal.timeout(30_000));
    assert.equal(await waitHttp(stand.healthUrl!, 60_000).then(() => 'healthy'), 'healthy');
    await rm(statePath());
    await assert.rejects(localStand.open('local', AbortSignal.timeout(10_000)), (e: { code: string }) => e.code === 'stand-not-up');
    assert.match((await localStand.status('local', recordingIO())).lines.join('\n'), /leftovers: 4 namespaces, 16 mounts, 4 processes, bridge/);
    await localStand.down('local', recordingIO());
    assert.deepEqual(await leftovers(), []);
  });

  it('without root it says so and offers loopback-only mode', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fl-nobody-'));
    await chmod(dir, 0o777);
    const script = `
      const { localStand } = await import(${JSON.stringify(new URL('../../../runner/stands/local/index.js', import.meta.url).href)});
      try { await localStand.up('local', {}, { signal: AbortSignal.timeout(30000), log: () => {} }); console.log('{"up":true}'); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, hint: e.hint })); }`;
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, FAULTLINE_STATE: dir, HOME: dir },
      timeout: 60_000,
    });
    await rm(dir, { recursive: true, force: true });
    const out = JSON.parse(r.stdout.toString().trim().split('\n').pop()!) as { code: string; message: string; hint: string };
    assert.equal(out.code, 'stand-needs-root');
    assert.match(out.message, /needs root .* \(running as uid 65534\)/);
    assert.match(out.hint, /faultline stand up local --loopback/);
    assert.deepEqual(await leftovers(), []);
  });

  it('loopback-only mode: 4 MinIO on 127.0.0.1 serve S3; network and disk faults are unsupported, process faults work', async function () {
    const io = recordingIO();
    await localStand.up('local', { loopback: true }, io);
    try {
      const stand = await localStand.open('local', AbortSignal.timeout(30_000));
      assert.equal(stand.s3!.endpoint, 'http://127.0.0.1:19001');
      assert.ok(!stand.capabilities.has('network') && !stand.capabilities.has('disk'));
      assert.match(stand.unsupported.get('network')!, /loopback-only mode/);
      const s3 = s3Of(stand);
      await s3.send(new CreateBucketCommand({ Bucket: 'loopback' }));
      await s3.send(new PutObjectCommand({ Bucket: 'loopback', Key: 'k', Body: 'v' }));
      const listening = execFileSync('ss', ['-ltnH']).toString();
      for (let i = 1; i <= 4; i++) assert.match(listening, new RegExp(`127\\.0\\.0\\.1:1900${i}\\b`));
      const d = stand.nodes!;
      const s = AbortSignal.timeout(60_000);
      // The stand hands out only what it can do, so faults refuse in prepare, with the stand's reason...
      assert.equal(d.powerOff, undefined);
      assert.equal(d.partition, undefined);
      assert.equal(d.fillDisk, undefined);
      for (const [kind, spec] of [['node.powerOff', { node: 'node4' }], ['node.partition', { isolate: 'node4' }], ['disk.fill', { node: 'node1', to: '50%' }]] as const) {
        await assert.rejects(faults.get(kind)!.prepare(spec, contextFor(stand)), (e: unknown) =>
          e instanceof UnsupportedError && /unsupported on this stand \(local\): loopback-only mode/.test(e.message), kind);
      }
      // ...and the full driver, called directly, throws UnsupportedError too.
      const full = new LocalNodeDriver((await readState())!, stand.s3!.credentials!);
      await assert.rejects(full.powerOff('node4', s), (e: unknown) => e instanceof UnsupportedError && /unsupported on this stand/.test(e.message));
      await assert.rejects(full.partition([['node1'], ['node2']], s), UnsupportedError);
      await assert.rejects(full.fillDisk('node1', 0, 0.5, s), UnsupportedError);
      await d.kill!('node3', s);
      assert.deepEqual(await full.servicePids('node3'), []);
      await d.start!('node3', s);
      await waitHttp('http://127.0.0.1:19003/minio/health/live', 60_000);
    } finally {
      await localStand.down('local', recordingIO());
    }
    assert.deepEqual(await leftovers(), []);
  });
});
