/**
 * Runs last: `stand down cluster` leaves nothing of the stand on the machine (also
 * with faults in place, and after a crash lost state.json): no process, container,
 * namespace, bridge, rule, mount, cgroup, socket or image store.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { stateDir } from '../../../runner/core/files.js';
import { clusterStand } from '../../../runner/stands/cluster/index.js';
import { layout, standRoot } from '../../../runner/stands/cluster/layout.js';
import { mountsUnder } from '../../../runner/stands/local/drives.js';
import { acquireLock } from '../../../runner/core/lock.js';
import { nodePids } from '../../../runner/stands/cluster/node.js';
import { clusterIsUp, recordingIO, UP_MS } from './helpers.js';

/** The control plane (its arguments name the root) and every process of every node (daemons, shims, containers). */
async function ourProcesses(root: string): Promise<number[]> {
  const out: number[] = [];
  for (const n of layout().nodes) out.push(...(await nodePids(n)));
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    const argv = await readFile(`/proc/${e}/cmdline`, 'utf8').catch(() => '');
    const exe = await readlink(`/proc/${e}/exe`).catch(() => '');
    if ((argv.includes(root + '/') || exe.startsWith(root + '/')) && !out.includes(Number(e))) out.push(Number(e));
  }
  return out;
}

/** Everything of the stand that could be left on the machine. */
async function leftovers(): Promise<string[]> {
  const root = standRoot();
  const found: string[] = [];
  const ns = (await readdir('/run/netns').catch(() => [] as string[])).filter((n) => /^(flc-node\d+|cni-.*)$/.test(n));
  if (ns.length) found.push(`namespaces ${ns.join(' ')}`);
  const links = execFileSync('ip', ['-o', 'link', 'show']).toString().split('\n').filter((l) => /: (flc-br0|flc-node\d+-h)[:@]/.test(l));
  if (links.length) found.push(`links ${links.length}`);
  const mounts = (await readFile('/proc/self/mounts', 'utf8')).split('\n').filter((l) => l.includes(root) || l.includes('/run/netns/cni-'));
  if (mounts.length) found.push(`mounts ${mounts.length}: ${mounts.slice(0, 3).join('; ')}`);
  const procs = await ourProcesses(root);
  if (procs.length) found.push(`processes ${procs.join(' ')}`);
  if (/flc_guard/.test(execFileSync('nft', ['list', 'tables']).toString())) found.push('host nft table flc_guard');
  for (const h of await readdir('/sys/fs/cgroup').catch(() => [] as string[])) {
    const cg = (await readdir(`/sys/fs/cgroup/${h}`).catch(() => [] as string[])).filter((d) => /^flc-node\d+$/.test(d));
    if (cg.length) found.push(`cgroups ${h}/${cg.join(',')}`);
  }
  const sockets = await readdir('/run/containerd/s').catch(() => [] as string[]);
  if (sockets.length) found.push(`shim sockets ${sockets.length}`);
  const logLinks = [];
  for (const f of await readdir('/var/log/containers').catch(() => [] as string[])) if ((await readlink(`/var/log/containers/${f}`).catch(() => '')).startsWith(root)) logLinks.push(f);
  if (logLinks.length) found.push(`container log links ${logLinks.length}`);
  if (await stat(root).then(() => true, () => false)) found.push('state dir (with the image stores)');
  return found;
}

describe('cluster stand: down (last suite)', function () {
  this.timeout(10 * 60_000);
  let was = false;
  let release: (() => Promise<void>) | undefined;

  before(async function () {
    this.timeout(31 * 60_000 + UP_MS);
    release = await acquireLock(stateDir('cluster.tests.lock'), AbortSignal.timeout(31 * 60_000), 30 * 60_000, 'other test runs on the cluster stand');
    was = await clusterIsUp();
    if (!was) await clusterStand.up('cluster', {}, recordingIO(UP_MS));
  });

  after(async function () {
    this.timeout(UP_MS);
    try {
      // leave the machine as this suite found it
      if (was && !(await clusterIsUp())) await clusterStand.up('cluster', {}, recordingIO(UP_MS));
    } finally {
      await release?.();
    }
  });

  it('removes every process, container, namespace, link, rule, mount, cgroup and file, with faults in place', async () => {
    const stand = await clusterStand.open('cluster', AbortSignal.timeout(30_000));
    const d = stand.nodes!;
    const s = () => AbortSignal.timeout(120_000);
    await d.powerOff!('node4', s());
    await d.partition!([['node1'], ['node2']], s());
    await d.fillDisk!('node2', 0, 0.5, s());
    await d.pause!('node3', s());
    const before = await ourProcesses(standRoot());
    // 4 control-plane components; on the 3 powered nodes a kubelet, a containerd, a shim, pause and MinIO each
    assert.ok(before.length >= 4 + 3 * 5, `control plane, kubelets, containerds, shims, pause and MinIO processes run (${before.length})`);
    assert.ok((await mountsUnder(standRoot())).length > 16, 'drives plus container mounts');
    const io = recordingIO(300_000);
    const t = Date.now();
    await clusterStand.down('cluster', io);
    console.log(`      stand down took ${((Date.now() - t) / 1000).toFixed(1)} s: ${io.lines.join(' ')}`);
    assert.deepEqual(await leftovers(), []);
    const again = recordingIO();
    await clusterStand.down('cluster', again);
    assert.match(again.lines.join('\n'), /not up; nothing to remove/);
    await assert.rejects(clusterStand.open('cluster', AbortSignal.timeout(10_000)), (e: { code: string }) => e.code === 'stand-not-up');
  });

  it('after a crash (state.json lost), up clears the leftovers and down still removes everything by name', async function () {
    this.timeout(UP_MS);
    await clusterStand.up('cluster', {}, recordingIO(UP_MS));
    await rm(layout().stateFile);
    assert.equal((await clusterStand.status('cluster', recordingIO())).up, false);
    const io = recordingIO(UP_MS);
    await clusterStand.up('cluster', {}, io);
    assert.match(io.lines.join('\n'), /removing what an earlier stand left/);
    assert.equal(await clusterIsUp(), true);
    await rm(layout().stateFile);
    await clusterStand.down('cluster', recordingIO(300_000));
    assert.deepEqual(await leftovers(), []);
  });
});
