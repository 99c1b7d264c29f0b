/**
 * One command of a node driver (ssh, docker), through the one child-process primitive,
 * with the drivers' own reading of a bound: the host did not answer (its bound, or the
 * step's deadline), or the run was stopped.
 */
import { runChild } from '../../core/child.js';
import { FaultlineError } from '../../core/errors.js';
import { formatDuration } from '../../core/units.js';


export interface CommandCall {
  file: string;
  args: string[];
  /** who and what, for errors: "host ssh2 (root@10.254.0.12): commands.stop" */
  what: string;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Resolves with the exit code (any); rejects only when the command could not run or was cut off. */
export async function runCommand(call: CommandCall): Promise<CommandResult> {
  const started = performance.now();
  try {
    const r = await runChild({ ...call });
    if (r.exitCode === undefined) throw new FaultlineError('node-spawn', `${call.what}: killed by ${r.signal ?? 'a signal'}`);
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, ms: r.ms };
  } catch (err) {
    if (!(err instanceof Error) || (err instanceof FaultlineError && err.code !== 'child-timeout' && err.code !== 'child-spawn')) throw err;
    const ms = performance.now() - started;
    if (err instanceof FaultlineError && err.code === 'child-spawn') throw new FaultlineError('node-spawn', err.message, { cause: err.cause });
    const callerTimedOut = call.signal.aborted && (call.signal.reason as Error | undefined)?.name === 'TimeoutError';
    if (call.signal.aborted && !callerTimedOut) {
      throw new FaultlineError('aborted', `${call.what}: stopped after ${formatDuration(ms)}, the run was stopped`, { cause: call.signal.reason });
    }
    const bound = call.signal.aborted ? "the step's deadline" : `its bound of ${formatDuration(call.timeoutMs)}`;
    throw new FaultlineError('node-timeout', `${call.what}: no answer within ${bound} (gave up after ${formatDuration(ms)})`, {
      hint: 'the host may be down, blackholed or hung; check it from the runner machine',
    });
  }
}
