/** Waits for a step's trigger: a delay, or a workload reaching a share of its progress. */
import type { WorkloadLookup } from '../core/contracts.js';
import { sleep } from '../core/abort.js';
import { FaultlineError } from '../core/errors.js';
import { formatDuration } from '../core/units.js';
import type { Trigger } from '../scenario/types.js';

export function describeTrigger(t: Trigger): string {
  return 'afterMs' in t ? `after ${formatDuration(t.afterMs)}` : `at ${Math.round(t.progress * 100)}% of ${t.workload}`;
}

/** Resolves when the trigger fires; aborts with the signal (the run's deadline bounds it). */
export async function waitForTrigger(t: Trigger, workloads: WorkloadLookup, signal: AbortSignal): Promise<void> {
  if ('afterMs' in t) return sleep(t.afterMs, signal);
  const w = workloads.get(t.workload);
  if (!w) throw new FaultlineError('trigger', `trigger names workload "${t.workload}", which is not running`);
  if (w.progress() >= t.progress) return;
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const done = (fn: () => void) => {
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    w.onProgress((p) => {
      if (p >= t.progress) done(resolve);
    });
    void w.settled.then((o) => {
      if (w.progress() >= t.progress) return done(resolve);
      const at = `${Math.round(w.progress() * 100)}%`;
      done(() => reject(new FaultlineError('trigger', `workload ${t.workload} ${o.state} at ${at} before reaching ${Math.round(t.progress * 100)}%${o.error ? `: ${o.error}` : ''}`)));
    });
  });
}
