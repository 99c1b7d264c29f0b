/** Bounded, cancellable system commands (ip, nft, mount, ...) for the local stand. */
import { runChild } from '../../core/child.js';
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
  const what = `${cmd} ${args.join(' ')}`;
  const r = await runChild({ file: cmd, args, what, timeoutMs: opts.timeout ?? 15_000, signal, input: opts.input, env: { LC_ALL: 'C' } });
  const res = { ok: r.exitCode === 0, stdout: r.stdout, stderr: r.stderr.trim() };
  if (!res.ok && !opts.allowFailure) throw new FaultlineError('local-command', `${what}: ${res.stderr || `exit ${r.exitCode ?? r.signal}`}`);
  return res;
}

/** Runs a command inside a node's network namespace (and only that namespace). */
export function inNetns(netns: string, cmd: string, args: string[], signal: AbortSignal, opts?: RunOptions): Promise<RunResult> {
  return run('nsenter', [`--net=/run/netns/${netns}`, '--', cmd, ...args], signal, opts);
}
