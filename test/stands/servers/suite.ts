/**
 * The server seam with each server really running: a named local stand `local-<server>`
 * (brought up by the global fixture: FAULTLINE_TEST_STANDS=local-<server>) runs on its own
 * names and subnet, serves S3, survives one node's power cut, says in status which server
 * runs, skips probes of admin APIs the server lacks; `stand down` leaves nothing of its own
 * and touches no other stand, and `stand up` brings it back.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import type { Stand } from '../../../runner/core/contracts.js';
import { evaluateGate } from '../../../runner/engine/gate.js';
import { defaultCatalog } from '../../../runner/catalog.js';
import type { GatePlan } from '../../../runner/scenario/types.js';
import { mountsUnder } from '../../../runner/stands/local/drives.js';
import { localStand } from '../../../runner/stands/local/index.js';
import { siteOf, standRoot, type Site } from '../../../runner/stands/local/layout.js';
import { pidsInNetns, pidsMatching } from '../../../runner/core/proc.js';
import type { ServerName } from '../../../runner/stands/local/servers/index.js';
import type { LocalNodeDriver } from '../../../runner/stands/local/driver.js';
import { contextFor, recordingIO, restoreAll, standIsUp, useLocalStand } from '../local/helpers.js';

/** Everything of a named stand that could be left on the system, by its names. */
export async function leftoversOf(site: Site): Promise<string[]> {
  const found: string[] = [];
  const ns = (await readdir('/run/netns').catch(() => [] as string[])).filter((n) => site.netnsRe.test(n));
  if (ns.length) found.push(`namespaces ${ns.join(' ')}`);
  const links = execFileSync('ip', ['-o', 'link', 'show']).toString().split('\n').filter((l) => new RegExp(`: (${site.bridge}|${site.prefix}-node\\d+-h)[:@]`).test(l));
  if (links.length) found.push(`links ${links.length}`);
  const mounts = await mountsUnder(standRoot(site));
  if (mounts.length) found.push(`mounts ${mounts.map((m) => m.target).join(' ')}`);
  const procs = await pidsMatching((argv: string[]) => argv.some((a: string) => a.includes(standRoot(site) + '/')));
  if (procs.length) found.push(`processes ${procs.join(' ')}`);
  if (await stat(standRoot(site)).then(() => true, () => false)) found.push('state dir');
  return found;
}

/** What the shared `local` stand has on the system right now (read only: names and pids). */
export async function defaultStandFootprint(): Promise<string> {
  const ns = (await readdir('/run/netns').catch(() => [] as string[])).filter((n) => siteOf('local').netnsRe.test(n)).sort();
  const pids = [];
  for (const n of ns) pids.push(`${n}:${(await pidsInNetns(n)).join(',')}`);
  return pids.join(' ');
}

async function gate(stand: Stand, probe: string, spec: unknown, ms = 60_000) {
  return evaluateGate({
    step: 0,
    plan: { name: probe, probe, spec, mode: 'within', expectFail: false, boundMs: ms } satisfies GatePlan,
    probe: defaultCatalog().probes.get(probe)!,
    ctx: contextFor(stand, ms + 30_000),
    startedAt: Date.now(),
    progress: () => {},
  });
}

export function serverSuite(server: ServerName): void {
  const name = `local-${server}`;
  const site = siteOf(name);

  describe(`local stand ${name} (the server its suffix names)`, function () {
    const h = useLocalStand(name);

    it('runs on its own names and subnet, and status names the server', async () => {
      const stand = h.stand();
      assert.equal(stand.storage?.server, server);
      assert.equal(stand.name, name);
      assert.match(execFileSync('ip', ['-4', '-o', 'addr', 'show', 'dev', site.bridge]).toString(), new RegExp(`inet 10\\.251\\.${site.index}\\.1/24`));
      for (let i = 1; i <= 4; i++) {
        const addr = execFileSync('ip', ['-n', `${site.prefix}-node${i}`, '-4', '-o', 'addr', 'show']).toString();
        assert.match(addr, new RegExp(`inet 10\\.251\\.${site.index}\\.1${i}/24`));
      }
      const st = await localStand.status(name, recordingIO());
      assert.equal(st.up, true);
      assert.match(st.lines.join('\n'), new RegExp(`server: ${server} `));
      for (const n of (stand.nodes as LocalNodeDriver).layouts()) assert.ok((await h.driver().servicePids(n.name)).length >= 1, `${n.name} runs ${server}`);
    });

    it('S3 scratch works (strict where the server keeps a system folder on its drives)', async () => {
      const plain = await gate(h.stand(), 's3.scratch', {});
      assert.equal(plain.verdict, 'pass', plain.value);
      const strict = await gate(h.stand(), 's3.scratch', { strict: true });
      if (server === 'seaweedfs') {
        assert.equal(strict.verdict, 'skipped', strict.value);
        assert.match(strict.value, /keeps no metadata folder on its drives/);
      } else {
        assert.equal(strict.verdict, 'pass', strict.value);
      }
    });

    it('minio.nodes is skipped with the reason where the server has no MinIO admin API', async () => {
      const g = await gate(h.stand(), 'minio.nodes', { offline: { eq: 0 } }, 20_000);
      if (server === 'minio') assert.equal(g.verdict, 'pass', g.value);
      else {
        assert.equal(g.verdict, 'skipped', g.value);
        assert.match(g.value, new RegExp(`runs ${server}, which has no MinIO admin API`));
      }
    });

    it("one node's power cut is survivable: 3 of 4 keep serving S3 writes and reads", async function () {
      this.timeout(600_000);
      const d = h.driver();
      await d.powerOff('node2', AbortSignal.timeout(60_000));
      assert.deepEqual(await d.servicePids('node2'), []);
      const t0 = Date.now();
      // survivable = serving writes again at all; how soon is the state-authority suite's
      // question (the seed's 30 s). Measured here: MinIO ~25 s, RustFS ~35 s, SeaweedFS ~83 s
      const during = await gate(h.stand(), 's3.scratch', {}, 180_000);
      console.log(`      ${server}: scratch with node2 dark ${during.verdict} after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${during.value}`);
      assert.equal(during.verdict, 'pass', during.value);
      await restoreAll(h.stand());
      const after = await gate(h.stand(), 's3.scratch', {}, 120_000);
      assert.equal(after.verdict, 'pass', after.value);
    });
  });

  describe(`${name}: stand down and up again`, function () {
    it('down removes everything of its own and nothing of the default stand; up brings it back', async function () {
      this.timeout(900_000);
      assert.ok(await standIsUp(name), `${name} is up (the global fixture brought it up)`);
      const before = await defaultStandFootprint();
      const t0 = Date.now();
      await localStand.down(name, recordingIO());
      console.log(`      ${name} down took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      assert.deepEqual(await leftoversOf(site), []);
      assert.equal(await defaultStandFootprint(), before, 'the local stand (fl-node*) is untouched');
      // left up as the fixture brought it, for the suites after this one
      const t1 = Date.now();
      await localStand.up(name, {}, recordingIO(600_000));
      console.log(`      ${name} up took ${((Date.now() - t1) / 1000).toFixed(1)} s`);
      assert.equal((await localStand.open(name, AbortSignal.timeout(30_000))).storage?.server, server);
    });
  });
}
