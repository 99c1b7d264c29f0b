/**
 * Crash test on the local stand: the runner SIGKILLed at random instants of a scenario
 * with five node faults (power cut, pause, partition, filled drive, wrong kernel); with no
 * command run the watchdog reverts them all. Run it holding /tmp/fl-stand-local.lock.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { packageRoot } from '../../runner/core/files.js';
import { LEASE_MS } from '../../runner/engine/watchdog.js';
import { fileSize, fillPath } from '../../runner/stands/local/drives.js';
import { defaultKernel, runningKernel, STOCK_KERNEL } from '../../runner/stands/local/kernel.js';
import { netnsTables } from '../../runner/stands/local/network.js';
import { procState } from '../../runner/core/proc.js';
import { useLocalStand, waitAllLive } from '../stands/local/helpers.js';
import { crashMany } from './harness.js';

describe('crash test: local stand', function () {
  this.timeout(30 * 60_000);
  const h = useLocalStand();

  it('after a SIGKILL at any instant, no fault is left within the lease and the reverts, with no command run', async () => {
    const d = h.driver();
    const leftovers = async (signal: AbortSignal): Promise<string[]> => {
      const out: string[] = [];
      for (const n of d.layouts()) {
        const tables = (await netnsTables(n.netns!, signal)).filter((t) => /fl_power|fl_partition/.test(t));
        if (tables.length) out.push(`${n.name}: ${tables.join(', ')}`);
        const pids = await d.servicePids(n.name);
        if (pids.length !== 1) out.push(`${n.name}: ${pids.length} MinIO processes`);
        for (const pid of pids) if ((await procState(pid)) === 'T') out.push(`${n.name}: MinIO ${pid} stopped (T)`);
        for (const drive of n.drives) if ((await fileSize(fillPath(drive))) > 0) out.push(`${n.name}: filler on ${drive}`);
        if ((await runningKernel(n.dir)) !== STOCK_KERNEL || (await defaultKernel(n.dir)) !== STOCK_KERNEL) out.push(`${n.name}: kernel ${await runningKernel(n.dir)}`);
      }
      return out;
    };
    const n = Number(process.env.FAULTLINE_CRASH_N ?? 20);
    const seed = Number(process.env.FAULTLINE_CRASH_SEED ?? Date.now() % 1_000_000);
    const instants = await crashMany(
      {
        stand: 'local',
        scenario: join(packageRoot(), 'test', 'fixtures', 'scenarios', 'crash-local.yaml'),
        faults: 5,
        jitterMs: 1_500,
        leftovers,
        settle: () => waitAllLive(h.stand(), 120_000),
        healMs: LEASE_MS + 30_000,
        log: (l) => console.log(l),
      },
      n,
      seed,
    );
    assert.equal(instants.length, n);
    assert.ok(instants.filter((x) => x.active >= 2).length >= n / 2, 'most kills hit with several faults active');
  });
});
