/** The cluster node driver's observations (what confirms a fault's effect) see the real state, and see it change. */
import { strict as assert } from 'node:assert';
import { STOCK_KERNEL } from '../../../runner/stands/local/kernel.js';
import { useClusterStand } from './helpers.js';

const sig = () => AbortSignal.timeout(180_000);

describe('cluster stand: node driver observations', function () {
  this.timeout(600_000);
  const h = useClusterStand();

  it('peerConnect: open between live nodes, timeout to a powered-off node; runningKernel: stock, then none', async () => {
    const d = h.driver();
    assert.equal((await d.peerConnect('node1', 'node4', 1000, sig())).result, 'open');
    assert.equal(await d.runningKernel('node4', sig()), STOCK_KERNEL);
    await d.powerOff('node4', sig());
    const cut = await d.peerConnect('node1', 'node4', 1000, sig());
    assert.equal(cut.result, 'timeout', `after the power cut: ${JSON.stringify(cut)}`);
    assert.ok(cut.ms >= 950, `a timeout took only ${cut.ms} ms`);
    assert.equal(await d.runningKernel('node4', sig()), undefined, 'a node without power runs no kernel');
    // restoreAll (afterEach) powers it back on and waits for the pod
  });

  it('serviceStates: MinIO running (S/R), T while paused; driveSpace shrinks by what a fill takes', async () => {
    const d = h.driver();
    const running = await d.serviceStates('node2', sig());
    assert.ok(running.length >= 1 && running.every((s) => s === 'S' || s === 'R'), `states ${running}`);
    await d.pause('node2', sig());
    try {
      assert.deepEqual([...new Set(await d.serviceStates('node2', sig()))], ['T']);
    } finally {
      await d.resume('node2', sig());
    }
    const before = await d.driveSpace('node3', 1, sig());
    assert.ok(before.size > 0 && before.free > 0 && before.free <= before.size);
    const { bytes } = await d.fillDisk('node3', 1, 0.9, sig());
    const after = await d.driveSpace('node3', 1, sig());
    assert.ok(after.free <= before.free - bytes + 1024 * 1024, `free ${before.free} -> ${after.free} after filling ${bytes}`);
    assert.ok(after.free / after.size < 0.15, `drive 2 of node3 ${((1 - after.free / after.size) * 100).toFixed(1)}% full after a fill to 90%`);
  });
});
