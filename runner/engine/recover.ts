/**
 * `faultline recover`: replays the pending undos of runs that did not finish
 * (SIGKILL, power loss of the runner), newest first, removes the half-written files
 * their runners left, and says what it did.
 */
import { ExitCode, type ExitCodeValue } from '../core/errors.js';
import { readJournal } from './journal.js';
import { journalsUnder, removeDeadRunnersTemps, replayJournal, runnerAlive, type UndoTools } from './replay.js';

export interface RecoverOptions {
  /** the fault kinds, and how to open the stand a journal names (the CLI resolves it through the catalog) */
  tools: UndoTools;
  resultsRoot: string;
  /** also revert runs whose process still seems alive */
  force: boolean;
  signal: AbortSignal;
  log(line: string): void;
}

export async function recover(opts: RecoverOptions): Promise<ExitCodeValue> {
  let reverted = 0;
  let failed = 0;
  let pendingSeen = 0;
  for (const path of await journalsUnder(opts.resultsRoot)) {
    const j = await readJournal(path).catch(() => undefined);
    if (!j) continue;
    const alive = await runnerAlive(j);
    if (!alive) await removeDeadRunnersTemps(j, opts.log);
    if (!j.pending.length) continue;
    const runId = j.begin?.runId ?? j.path;
    pendingSeen += j.pending.length;
    if (alive && !opts.force) {
      opts.log(`run ${runId}: still in progress (pid ${j.begin!.pid}); it reverts its own faults. Use --force to revert anyway.`);
      continue;
    }
    const r = await replayJournal(path, { tools: opts.tools, by: 'recover', signal: opts.signal, log: opts.log });
    reverted += r.reverted;
    failed += r.failed;
  }
  if (!pendingSeen) opts.log(`nothing to recover: no pending fault in ${opts.resultsRoot}`);
  else opts.log(`recover: ${reverted} reverted, ${failed} failed`);
  return failed ? ExitCode.revertFailed : ExitCode.ok;
}
