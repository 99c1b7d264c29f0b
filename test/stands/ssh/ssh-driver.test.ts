/**
 * The ssh node driver against real sshd servers, each in a network namespace of its
 * own (see testbed.ts): commands land on the right host, deadlines hold when a host
 * is blackholed, undo runs.
 */
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { execa } from 'execa';
import type { NodeDriver } from '../../../runner/core/contracts.js';
import { FaultlineError } from '../../../runner/core/errors.js';
import { sshDriver } from '../../../runner/stands/ssh/index.js';
import { defaultCatalog } from '../../../runner/catalog.js';
import { bareStand, ctxFor } from '../../probes/helpers.js';
import { SshTestbed, missingTools, testbedSpec, type TestHost } from './testbed.js';

/** The pretend storage service is a copy of sleep named per host; pkill -x never matches the shell running it. */
const serviceCommands = {
  start: 'pgrep -r R,S,D,T -x {{service}} >/dev/null || { setsid {{root}}/{{service}} 100000 </dev/null >/dev/null 2>&1 & }',
  kill: 'pkill -KILL -x {{service}}; true',
  stop: 'pkill -TERM -x {{service}}; true',
  pause: 'pkill -STOP -x {{service}}',
  resume: 'pkill -CONT -x {{service}}',
  // PID STAT START of each live copy (a killed one stays a zombie here: -r leaves it out)
  serviceProcesses: 'for p in $(pgrep -r R,S,D,T -x {{service}}); do set -- $(sed "s/^.*) //" /proc/$p/stat) && echo "$p $1 ${20}"; done; true',
  // the BMC: runs on the runner, and "power" is the host's whole network
  powerOff: 'local: echo off {{node}} >> {{bmclog}} && ip netns exec {{netns}} nft -f {{root}}/power.nft',
  powerOn: "local: echo on {{node}} >> {{bmclog}} && ip netns exec {{netns}} sh -c 'nft delete table inet fl_power 2>/dev/null; true'",
};

const long = () => AbortSignal.timeout(30_000);

async function serviceState(h: TestHost): Promise<string[]> {
  // killed copies stay zombies here (this sandbox's pid 1 does not reap): count the living only
  const r = await execa('pgrep', ['-r', 'R,S,D,T', '-x', h.service], { reject: false, timeout: 5000 });
  const pids = r.stdout.split('\n').filter(Boolean);
  return Promise.all(pids.map(async (p) => (await readFile(`/proc/${p}/stat`, 'utf8')).split(') ')[1]!.split(' ')[0]!));
}

async function canConnect(fromNetns: string, address: string): Promise<boolean> {
  const r = await execa('ip', ['netns', 'exec', fromNetns, 'timeout', '2', 'bash', '-c', `</dev/tcp/${address}/22`], { reject: false, timeout: 10_000 });
  return r.exitCode === 0;
}

async function timed<T>(p: Promise<T>): Promise<{ ms: number; error?: unknown; value?: T }> {
  const t0 = performance.now();
  try {
    const value = await p;
    return { ms: performance.now() - t0, value };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}

describe('ssh node driver on real sshd test hosts', function () {
  this.timeout(120_000);
  const bed = new SshTestbed();
  let d: NodeDriver;
  let h1: TestHost;
  let h2: TestHost;

  before(async function () {
    this.timeout(11 * 60_000); // may wait for another run's testbed (tests run concurrently on a shared machine)
    const missing = await missingTools();
    if (missing.length) throw new Error(`the ssh test hosts need: ${missing.join(', ')}`);
    await bed.up(2);
    [h1, h2] = bed.hosts as [TestHost, TestHost];
    d = sshDriver.make(testbedSpec(bed, serviceCommands), { standName: 'sshbed' }).driver;
  });

  after(async () => {
    await bed.down();
  });

  beforeEach(() => bed.clearRan());

  it('runs each command on the host it names, and only there', async () => {
    await d.start!('ssh1', long());
    await d.stop!('ssh2', long());
    const [ran1, ran2] = [await bed.ran(h1), await bed.ran(h2)];
    assert.deepEqual(ran1, [{ netns: 'fl-ssh1', command: `pgrep -r R,S,D,T -x fl-stor-ssh1 >/dev/null || { setsid ${h1.root}/fl-stor-ssh1 100000 </dev/null >/dev/null 2>&1 & }` }]);
    assert.deepEqual(ran2, [{ netns: 'fl-ssh2', command: 'pkill -TERM -x fl-stor-ssh2; true' }]);
    assert.deepEqual(await serviceState(h1), ['S']);
    assert.deepEqual(await serviceState(h2), []);
  });

  it('shell-quotes substituted values', async () => {
    const label = `it's "$(touch /tmp/fl-pwned)" \`id\` ; rm -rf x`;
    const spec = testbedSpec(bed, { start: "printf '%s' {{label}} > {{root}}/label.txt" });
    spec.hosts!.ssh1!.label = label;
    spec.hosts!.ssh2!.label = 'plain';
    await sshDriver.make(spec, { standName: 'sshbed' }).driver.start!('ssh1', long());
    assert.equal(await readFile(`${h1.root}/label.txt`, 'utf8'), label);
    await assert.rejects(stat('/tmp/fl-pwned'));
  });

  it('kills, stops, starts, pauses and resumes the storage service', async () => {
    await d.start!('ssh1', long());
    await d.start!('ssh1', long()); // idempotent: still one
    assert.deepEqual(await serviceState(h1), ['S']);
    await d.pause!('ssh1', long());
    assert.deepEqual(await serviceState(h1), ['T']);
    await d.resume!('ssh1', long());
    assert.deepEqual(await serviceState(h1), ['S']);
    await d.kill!('ssh1', long());
    await d.kill!('ssh1', long());
    assert.deepEqual(await serviceState(h1), []);
    await d.start!('ssh1', long());
    assert.deepEqual(await serviceState(h1), ['S']);
  });

  it('partitions groups with iptables over ssh and heals them (both idempotent)', async () => {
    assert.ok(await canConnect('fl-ssh1', h2.address));
    await d.partition!([['ssh1'], ['ssh2']], long());
    await d.partition!([['ssh1'], ['ssh2']], long());
    assert.equal(await canConnect('fl-ssh1', h2.address), false);
    assert.equal(await canConnect('fl-ssh2', h1.address), false);
    const rules = await execa('ip', ['netns', 'exec', 'fl-ssh1', 'iptables', '-S', 'faultline'], { timeout: 10_000 });
    assert.deepEqual(rules.stdout.split('\n').filter((l) => l.startsWith('-A')), [
      `-A faultline -s ${h2.address}/32 -j DROP`,
      `-A faultline -d ${h2.address}/32 -j DROP`,
    ]);
    assert.ok((await bed.ran(h1)).every((r) => r.netns === 'fl-ssh1' && r.command.includes(h2.address)));
    // the runner itself is no peer: it still reaches both
    await d.start!('ssh2', long());
    await d.heal!([['ssh1'], ['ssh2']], long());
    await d.heal!([['ssh1'], ['ssh2']], long());
    assert.ok(await canConnect('fl-ssh1', h2.address));
    const left = await execa('ip', ['netns', 'exec', 'fl-ssh1', 'iptables', '-S'], { timeout: 10_000 });
    assert.ok(!left.stdout.includes('faultline'), left.stdout);
  });

  it('fills a drive to a fraction with fallocate and clears it', async () => {
    const size = 64 * 1024 * 1024;
    const a = await d.fillDisk!('ssh1', 0, 0.5, long());
    assert.equal(a.file, `${h1.drive}/.faultline-fill`);
    assert.equal(a.bytes, size / 2);
    assert.equal((await stat(a.file)).size, size / 2);
    await bed.clearRan();
    await d.fillDisk!('ssh1', 0, 0.5, long()); // same fill again: only the df
    assert.equal((await bed.ran(h1)).length, 1);
    const b = await d.fillDisk!('ssh1', 0, 0.25, long());
    assert.equal((await stat(b.file)).size, size / 4);
    await d.clearFill!('ssh1', b.file, long());
    await d.clearFill!('ssh1', b.file, long());
    await assert.rejects(stat(b.file));
    await assert.rejects(d.fillDisk!('ssh1', 3, 0.5, long()), /no drive 3/);
  });

  it('fails a blackholed host within ConnectTimeout, naming it, while the other host still answers', async () => {
    await bed.blackhole(h2);
    try {
      const [bad, good] = await Promise.all([timed(d.stop!('ssh2', long())), timed(d.stop!('ssh1', long()))]);
      console.log(`      blackholed host failed after ${(bad.ms / 1000).toFixed(2)} s (ConnectTimeout 2s); healthy host answered in ${Math.round(good.ms)} ms`);
      assert.ok(bad.error instanceof FaultlineError);
      assert.equal(bad.error.code, 'node-unreachable');
      assert.match(bad.error.message, /host ssh2 \(root@10\.254\.0\.12\): commands\.stop: ssh failed: .*timed out/);
      // at ConnectTimeout, far below the 120 s command bound (how far above 2 s depends on the load)
      assert.ok(bad.ms >= 1900 && bad.ms < 15_000, `took ${bad.ms} ms`);
      assert.equal(good.error, undefined);
    } finally {
      await bed.unblackhole(h2);
    }
  });

  it("holds the step's deadline when it is shorter than ssh's own timeouts", async () => {
    const slow = sshDriver.make(testbedSpec(bed, serviceCommands, { connectTimeout: '30s' }), { standName: 'sshbed' }).driver;
    await bed.blackhole(h2);
    try {
      const r = await timed(slow.stop!('ssh2', AbortSignal.timeout(800)));
      console.log(`      step deadline 0.8 s: failed after ${(r.ms / 1000).toFixed(2)} s`);
      assert.ok(r.error instanceof FaultlineError);
      assert.equal(r.error.code, 'node-timeout');
      assert.match(r.error.message, /host ssh2 .*step's deadline/);
      assert.ok(r.ms < 10_000, `took ${r.ms} ms, not ConnectTimeout's 30 s`);
    } finally {
      await bed.unblackhole(h2);
    }
  });

  it('bounds a command whose host is blackholed mid-command', async () => {
    const spec = testbedSpec(bed, { start: 'sleep 20' }, { commandTimeout: '3s' });
    const hung = sshDriver.make(spec, { standName: 'sshbed' }).driver;
    const run = timed(hung.start!('ssh2', long()));
    await new Promise((r) => setTimeout(r, 700));
    await bed.blackhole(h2);
    try {
      const r = await run;
      console.log(`      blackholed mid-command (commandTimeout 3s): failed after ${(r.ms / 1000).toFixed(2)} s: ${(r.error as Error).message}`);
      assert.ok(r.error instanceof FaultlineError);
      assert.match(r.error.message, /host ssh2 \(root@10\.254\.0\.12\)/);
      assert.ok(r.ms < 12_000, `took ${r.ms} ms, not the command's 20 s`);
    } finally {
      await bed.unblackhole(h2);
    }
  });

  it('powers off through the BMC template on the runner, and the undo brings the host back', async () => {
    const t0 = performance.now();
    let during: { ms: number; error?: unknown } | undefined;
    try {
      await d.powerOff!('ssh2', long());
      await d.powerOff!('ssh2', long());
      during = await timed(d.start!('ssh2', long()));
      throw new Error('gate failed');
    } catch (e) {
      assert.equal((e as Error).message, 'gate failed');
    } finally {
      await d.powerOn!('ssh2', long());
    }
    assert.match(String((during?.error as Error)?.message), /host ssh2 .*ssh failed/);
    await d.start!('ssh2', long());
    assert.deepEqual((await readFile(bed.bmcLog, 'utf8')).trim().split('\n'), ['off ssh2', 'off ssh2', 'on ssh2']);
    // BMC commands ran on the runner, never on the host; the host ran only the start after power-on
    assert.deepEqual((await bed.ran(h2)).map((r) => r.command.split(' ')[0]), ['pgrep']);
    console.log(`      power-off, failed gate, power-on and service start: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  });

  it('observes what a fault did: service processes (ids change on restart), drive space, peer connects', async () => {
    const spec = testbedSpec(bed, serviceCommands);
    spec.hosts!.ssh1!.servicePort = 22;
    spec.hosts!.ssh2!.servicePort = 22;
    const seen = sshDriver.make(spec, { standName: 'sshbed' }).driver;
    await seen.start!('ssh1', long());
    const [p] = await seen.serviceProcesses!('ssh1', long());
    assert.match(p!.id, /^\d+@\d+$/);
    assert.equal(p!.state, 'S');

    // node.kill through the real fault: the id recorded before is gone, proven; a start makes a new one
    const kill = defaultCatalog().faults.get('node.kill')!;
    const ctx = ctxFor(bareStand({ nodes: seen }));
    const undo = await kill.prepare({ node: 'ssh1' }, ctx);
    const injected = (await kill.inject({ node: 'ssh1' }, undo, ctx))!;
    assert.deepEqual(injected.before, [p!.id]);
    assert.deepEqual(await kill.confirm!({ node: 'ssh1' }, undo, injected, ctx), { ok: true, value: '1/1 storage process(es) on ssh1 gone; none runs' });
    await kill.revert(undo, ctx);
    const [q] = await seen.serviceProcesses!('ssh1', long());
    assert.notEqual(q!.id, p!.id);
    // a kill that did not happen is not proven: the same process is still there
    assert.deepEqual(await kill.confirm!({ node: 'ssh1' }, undo, { node: 'ssh1', before: [q!.id] }, ctx), { ok: false, value: `1/1 storage process(es) on ssh1 still alive (${q!.id.split('@')[0]})` });

    const space = await seen.driveSpace!('ssh1', 0, long());
    assert.equal(space.size, 64 * 1024 * 1024);
    assert.ok(space.free > 0 && space.free <= space.size);

    assert.equal((await seen.peerConnect!('ssh1', 'ssh2', 1000, long())).result, 'open');
    spec.hosts!.ssh2!.servicePort = 9; // nothing listens there: the host answers with RST
    assert.equal((await sshDriver.make(spec, { standName: 'sshbed' }).driver.peerConnect!('ssh1', 'ssh2', 1000, long())).result, 'refused');
    await seen.partition!([['ssh1'], ['ssh2']], long());
    try {
      const dropped = await seen.peerConnect!('ssh1', 'ssh2', 1000, long());
      assert.equal(dropped.result, 'timeout');
      assert.ok(dropped.ms >= 1000, `${dropped.ms} ms`);
    } finally {
      await seen.heal!([['ssh1'], ['ssh2']], long());
    }
  });
});
