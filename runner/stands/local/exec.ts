/** Bounded, cancellable system commands (ip, nft, mount, ...) for the local stand. */
import { execa } from 'execa';
import { FaultlineError } from '../../core/errors.js';

export interface RunOptions {
  /** ms; default 15 s */
  timeout?: number;
  input?: string;
  /** return the result instead of throwing on a non-zero exit */
  allowFailure?: boolean;
}

export interface RunResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export async function run(cmd: string, args: string[], signal: AbortSignal, opts: RunOptions = {}): Promise<RunResult> {
  signal.throwIfAborted();
  const r = await execa(cmd, args, {
    cancelSignal: signal,
    timeout: opts.timeout ?? 15_000,
    input: opts.input,
    stdin: opts.input === undefined ? 'ignore' : undefined,
    reject: false,
    env: { LC_ALL: 'C' },
  });
  if (r.isCanceled) signal.throwIfAborted();
  const res = { ok: !r.failed, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '').trim() };
  if (!res.ok && !opts.allowFailure) {
    const why = r.timedOut ? 'timed out' : res.stderr || r.shortMessage;
    throw new FaultlineError('local-command', `${cmd} ${args.join(' ')}: ${why}`, { cause: r.cause });
  }
  return res;
}

/** Runs a command inside a node's network namespace (and only that namespace). */
export function inNetns(netns: string, cmd: string, args: string[], signal: AbortSignal, opts?: RunOptions): Promise<RunResult> {
  return run('nsenter', [`--net=/run/netns/${netns}`, '--', cmd, ...args], signal, opts);
}
