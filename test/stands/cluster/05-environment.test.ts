/** A machine that cannot run the cluster stand gets a clear error naming what is missing, at once, with nothing made. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm, symlink, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cgroupControllers } from '../../../runner/stands/cluster/preflight.js';

const upScript = `
  const { clusterStand } = await import(${JSON.stringify(new URL('../../../runner/stands/cluster/index.js', import.meta.url).href)});
  try { await clusterStand.up('cluster', {}, { signal: AbortSignal.timeout(30000), log: () => {} }); console.log('{"up":true}'); }
  catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, hint: e.hint })); }`;

function upIn(env: Record<string, string>, asNobody: boolean): { code: string; message: string; hint?: string; ms: number } {
  const t = Date.now();
  const argv = [process.execPath, '--input-type=module', '-e', upScript];
  const r = asNobody
    ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...argv], { env, timeout: 60_000 })
    : spawnSync(argv[0]!, argv.slice(1), { env, timeout: 60_000 });
  return { ...(JSON.parse(r.stdout.toString().trim().split('\n').pop()!) as { code: string; message: string; hint?: string }), ms: Date.now() - t };
}

describe('cluster stand: bad environment', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flc-env-'));
    await chmod(dir, 0o777);
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('without root: says it needs root, makes nothing', async () => {
    const out = upIn({ PATH: process.env.PATH!, FAULTLINE_STATE: dir, HOME: dir }, true);
    assert.equal(out.code, 'stand-environment');
    assert.match(out.message, /needs root .*running as uid 65534/);
    assert.deepEqual(await readdir(dir), []);
  });

  it('without containerd on PATH: names it and the Debian package', async () => {
    // a PATH with everything but containerd
    const bin = join(dir, 'bin');
    await mkdir(bin);
    for (const d of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
      for (const f of await readdir(d).catch(() => [] as string[])) if (f !== 'containerd') await symlink(join(d, f), join(bin, f)).catch(() => {});
    }
    const out = upIn({ PATH: bin, FAULTLINE_STATE: join(dir, 'state'), HOME: dir }, false);
    assert.equal(out.code, 'stand-environment');
    assert.match(out.message, /containerd is not installed/);
    assert.match(out.hint ?? '', /apt-get install containerd/);
    assert.ok(out.ms < 30_000, `answered in ${out.ms} ms`);
  });

  it('reads the machine\'s cgroup controllers (what the missing-controller check compares against)', async () => {
    const cg = await cgroupControllers();
    for (const c of ['cpu', 'memory', 'pids']) assert.ok(cg.controllers.includes(c), `${c} in ${cg.mode}: ${cg.controllers.join(',')}`);
  });
});
