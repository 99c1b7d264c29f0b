/**
 * node.bootKernel on ssh stands (the May 11 incident): hasModule answers from the
 * host's own /lib/modules through modinfo -k, setBootKernel refuses a kernel
 * without the storage modules before touching the host, and otherwise reboots into
 * it and returns once the host is back. The test hosts carry a fake module tree
 * (stock and next kernels with zfs+spl, the XR kernel without) and a pretend boot
 * loader whose "reboot" takes the host off the network for 2 s.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { NodeDriver } from '../../../runner/core/contracts.js';
import { FaultlineError } from '../../../runner/core/errors.js';
import { sshDriver } from '../../../runner/stands/ssh/index.js';
import { NEXT_KERNEL, STOCK_KERNEL, SshTestbed, XR_KERNEL, missingTools, testbedSpec, type TestHost } from './testbed.js';

const bootCommands = {
  bootKernel: 'cat {{root}}/default-kernel',
  setBootKernel: 'echo {{kernel}} > {{root}}/default-kernel',
  runningKernel: 'cat {{root}}/running-kernel',
  bootId: 'cat {{root}}/boot-id',
  reboot: '{{root}}/reboot',
};

const long = () => AbortSignal.timeout(60_000);

describe('ssh node driver: boot kernel and module preflight on real sshd test hosts', function () {
  this.timeout(120_000);
  const bed = new SshTestbed();
  let d: NodeDriver;
  let h1: TestHost;

  before(async function () {
    this.timeout(11 * 60_000); // may wait for another run's testbed
    const missing = await missingTools();
    if (missing.length) throw new Error(`the ssh test hosts need: ${missing.join(', ')}`);
    await bed.up(2);
    h1 = bed.hosts[0]!;
    d = sshDriver.make(testbedSpec(bed, bootCommands, { rebootTimeout: '20s' }), { standName: 'sshbed' }).driver;
  });

  after(async () => {
    await bed.down();
  });

  beforeEach(() => bed.clearRan());

  it('hasModule reads the host\'s own module tree with modinfo -k (exit status)', async () => {
    assert.equal(await d.hasModule!('ssh1', STOCK_KERNEL, 'zfs', long()), true);
    assert.equal(await d.hasModule!('ssh1', XR_KERNEL, 'zfs', long()), false);
    assert.equal(await d.hasModule!('ssh1', NEXT_KERNEL, 'spl', long()), true);
    assert.deepEqual((await bed.ran(h1)).map((r) => r.command), [
      `modinfo -k ${STOCK_KERNEL} zfs`, `modinfo -k ${XR_KERNEL} zfs`, `modinfo -k ${NEXT_KERNEL} spl`,
    ]);
  });

  it('an unreachable host is an error, not a "module missing"', async () => {
    await bed.blackhole(bed.hosts[1]!);
    try {
      await assert.rejects(d.hasModule!('ssh2', STOCK_KERNEL, 'zfs', long()), (e: FaultlineError) => e.code === 'node-unreachable' && /host ssh2/.test(e.message));
    } finally {
      await bed.unblackhole(bed.hosts[1]!);
    }
  });

  it('bootKernel reports the default the boot loader has', async () => {
    assert.equal(await d.bootKernel!('ssh1', long()), STOCK_KERNEL);
  });

  it('refuses a kernel lacking the storage modules before touching the host', async () => {
    await assert.rejects(d.setBootKernel!('ssh1', XR_KERNEL, long()), (e: FaultlineError) => {
      assert.equal(e.code, 'kernel-module-missing');
      assert.match(e.message, /host ssh1: refusing to boot .*\+xr: module zfs is not installed for it/);
      return true;
    });
    assert.deepEqual((await bed.ran(h1)).map((r) => r.command), [`modinfo -k ${XR_KERNEL} zfs`]);
    assert.equal((await readFile(`${h1.root}/default-kernel`, 'utf8')).trim(), STOCK_KERNEL);
  });

  it('reboots into a kernel that has the modules, waits for the host, and the undo boots the stock kernel back', async () => {
    const t0 = performance.now();
    await d.setBootKernel!('ssh1', NEXT_KERNEL, long());
    const up = performance.now() - t0;
    assert.equal((await readFile(`${h1.root}/running-kernel`, 'utf8')).trim(), NEXT_KERNEL);
    // preflight, default kernel, boot id, set, reboot; then boot-id polls until the host is back
    assert.deepEqual((await bed.ran(h1)).slice(0, 6).map((r) => r.command.split(' ')[0]), [
      'modinfo', 'modinfo', 'cat', 'cat', 'echo', `${h1.root}/reboot`,
    ]);
    const t1 = performance.now();
    await d.setBootKernel!('ssh1', STOCK_KERNEL, long()); // the revert
    const back = performance.now() - t1;
    assert.equal(await d.bootKernel!('ssh1', long()), STOCK_KERNEL);
    assert.equal((await readFile(`${h1.root}/running-kernel`, 'utf8')).trim(), STOCK_KERNEL);
    console.log(`      setBootKernel incl. 2 s off-network reboot: ${(up / 1000).toFixed(2)} s; revert: ${(back / 1000).toFixed(2)} s`);
  });

  it('is a no-op when the host already runs that kernel by default', async () => {
    await d.setBootKernel!('ssh1', STOCK_KERNEL, long());
    const ran = (await bed.ran(h1)).map((r) => r.command);
    assert.ok(!ran.some((c) => c.includes('reboot') || c.startsWith('echo')), ran.join('\n'));
  });

  it('fails at its bound, naming the host, when the host does not come back', async () => {
    const spec = testbedSpec(bed, { ...bootCommands, reboot: 'true' }, { rebootTimeout: '3s' });
    const stuck = sshDriver.make(spec, { standName: 'sshbed' }).driver;
    const t0 = performance.now();
    await assert.rejects(stuck.setBootKernel!('ssh1', NEXT_KERNEL, long()), /host ssh1: reboot into .* not back within 3\.0 s \(last: same boot id/);
    console.log(`      reboot that never happens: failed after ${((performance.now() - t0) / 1000).toFixed(2)} s (3 s rebootTimeout after preflight, set and reboot commands)`);
    await d.setBootKernel!('ssh1', STOCK_KERNEL, long());
  });
});
