/**
 * Crash test on the kwok stand: the runner SIGKILLed at random instants of a scenario with
 * five Kubernetes faults (applied objects, a scale, a cordon, a drain, a power-off); with no
 * command run the watchdog reverts them all. Run it holding /tmp/fl-stand-kwok.lock.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { pollUntil } from '../../runner/core/abort.js';
import { packageRoot } from '../../runner/core/files.js';
import { opts } from '../../runner/kube/client.js';
import { findNotes } from '../../runner/kube/undo-notes.js';
import { LEASE_MS } from '../../runner/engine/watchdog.js';
import { POWER_LABEL } from '../../runner/stands/kwok/components.js';
import { openKwok, type Kwok } from '../kube/harness.js';
import { crashMany } from './harness.js';

describe('crash test: kwok stand', function () {
  this.timeout(30 * 60_000);
  let k: Kwok;
  before(async () => {
    k = await openKwok();
  });

  it('after a SIGKILL at any instant, no fault is left within the lease and the reverts, with no command run', async () => {
    const leftovers = async (signal: AbortSignal): Promise<string[]> => {
      const out: string[] = [];
      for (const n of (await k.core.listNode({}, opts(signal))).items) {
        const name = n.metadata?.name;
        if (n.spec?.unschedulable) out.push(`${name} cordoned`);
        if (n.metadata?.labels?.[POWER_LABEL] === 'off') out.push(`${name} powered off`);
        if (n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True') out.push(`${name} NotReady`);
      }
      const applied = await k.apps.readNamespacedDeployment({ namespace: 'default', name: 'fl-crash-web' }, opts(signal)).then(() => true, () => false);
      if (applied) out.push('deployment default/fl-crash-web still there');
      const notes = await findNotes(k.stand.kube!.kc, signal);
      if (notes.length) out.push(`${notes.length} undo note(s) left`);
      return out;
    };
    const n = Number(process.env.FAULTLINE_CRASH_N ?? 20);
    const seed = Number(process.env.FAULTLINE_CRASH_SEED ?? Date.now() % 1_000_000);
    const instants = await crashMany(
      {
        stand: 'kwok',
        scenario: join(packageRoot(), 'test', 'fixtures', 'scenarios', 'crash-kwok.yaml'),
        faults: 5,
        jitterMs: 1_500,
        leftovers,
        // a deleted Deployment's pods go in the background; the next apply must find none
        settle: () =>
          pollUntil('fl-crash-web pods to go', 60_000, AbortSignal.timeout(70_000), async (s) =>
            (await k.core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=fl-crash-web' }, opts(s))).items.length ? undefined : true).then(() => {}),
        healMs: LEASE_MS + 30_000,
        log: (l) => console.log(l),
      },
      n,
      seed,
    );
    assert.ok(instants.filter((x) => x.active >= 2).length >= n / 2, 'most kills hit with several faults active');
  });
});
