/**
 * Runs one child process under a bound: the caller's signal and the driver's own
 * timeout, whichever ends first. The child gets its own process group (so a Ctrl-C
 * at the terminal does not kill an in-flight revert) and the whole group is
 * SIGKILLed when the bound runs out, so nothing outlives it holding a pipe open.
 */
import { deadline } from '../../core/abort.js';
import { execa } from 'execa';
import { FaultlineError } from '../../core/errors.js';
import { formatDuration } from '../../core/units.js';

export interface CommandCall {
  file: string;
  args: string[];
  /** who and what, for errors: "host ssh2 (root@10.252.0.12): commands.stop" */
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

/** Last non-empty line of stderr, for one-line error messages. */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

/** Resolves with the exit code (any); rejects only when the command could not run or was cut off. */
export async function runCommand(call: CommandCall): Promise<CommandResult> {
  if (call.signal.aborted) {
    throw new FaultlineError('aborted', `${call.what}: not started, the run was stopped`, { cause: call.signal.reason });
  }
  const bounded = deadline(call.signal, call.timeoutMs);
  const started = performance.now();
  const child = execa(call.file, call.args, {
    cancelSignal: bounded,
    detached: true,
    reject: false,
    stdin: 'ignore',
    forceKillAfterDelay: 1000,
  });
  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  bounded.addEventListener('abort', killGroup, { once: true });
  try {
    const r = await child;
    const ms = performance.now() - started;
    if (r.isCanceled || bounded.aborted) {
      const callerTimedOut = call.signal.aborted && (call.signal.reason as Error | undefined)?.name === 'TimeoutError';
      if (call.signal.aborted && !callerTimedOut) {
        throw new FaultlineError('aborted', `${call.what}: stopped after ${formatDuration(ms)}, the run was stopped`, { cause: call.signal.reason });
      }
      const bound = call.signal.aborted ? "the step's deadline" : `its bound of ${formatDuration(call.timeoutMs)}`;
      throw new FaultlineError('node-timeout', `${call.what}: no answer within ${bound} (gave up after ${formatDuration(ms)})`, {
        hint: 'the host may be down, blackholed or hung; check it from the runner machine',
      });
    }
    if (r.exitCode === undefined) {
      const why =
        r.code === 'ENOENT' ? `${call.file} not found on PATH`
        : r.signal ? `killed by ${r.signal}`
        : (r.shortMessage ?? r.message ?? 'could not start');
      throw new FaultlineError('node-spawn', `${call.what}: ${why}`, { cause: r.cause });
    }
    return { exitCode: r.exitCode, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), ms };
  } finally {
    bounded.removeEventListener('abort', killGroup);
  }
}
