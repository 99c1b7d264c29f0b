/** The one mapping from what stopped a run to the run's outcome: each failure keeps its class. */
import { DeadlineError } from '../core/abort.js';
import { RefusedError, UnsupportedError, messageOf } from '../core/errors.js';
import { formatDuration } from '../core/units.js';
import type { RunStatus } from '../report/record.js';

export interface StopInput {
  err: unknown;
  /** "step 3 (inject node.powerOff)" or "start" */
  where: string;
  /** the sweep's signal fired (Ctrl-C, SIGTERM) */
  interrupted: boolean;
  /** the run's own signal fired (scenario timeout), with its reason */
  runSignal: AbortSignal;
}

export function outcomeOf({ err, where, interrupted, runSignal }: StopInput): { status: RunStatus; reason: string } {
  if (interrupted) return { status: 'interrupted', reason: `interrupted during ${where}` };
  if (runSignal.aborted) {
    const r = runSignal.reason;
    return { status: 'fail', reason: `${r instanceof DeadlineError ? `${r.phase} ${formatDuration(r.ms)}` : 'the run was stopped'} hit during ${where}` };
  }
  // the stand cannot do it: the run does not apply here
  if (err instanceof UnsupportedError) return { status: 'skipped', reason: `${where}: ${err.message}` };
  // a check of the stand said no: a verdict, not a runner failure
  if (err instanceof RefusedError) return { status: 'fail', reason: `${where}: ${err.message}` };
  return { status: 'error', reason: `${where}: ${messageOf(err)}` };
}
