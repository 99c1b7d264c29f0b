/**
 * The one way faultline runs a child process: in its own process group (a Ctrl-C at the
 * terminal does not kill an in-flight revert, and nothing the child spawns outlives it),
 * bounded by the caller's signal and its own timeout, the whole group SIGKILLed when
 * either fires, with an output tail scrubbed of the secrets it was given. The error says
 * which bound fired.
 */
import type * as Execa from 'execa';
import { lazyModule } from './lazy-module.js';
import { DeadlineError, deadline } from './abort.js';
import { FaultlineError } from './errors.js';
import { formatDuration } from './units.js';

/** execa costs the CLI's start-up a quarter second: loaded on the first child. Plug-ins that need it directly import these stand-ins. */
const execaModule = lazyModule<typeof Execa>('execa');
export const execa = execaModule.value('execa');
export const parseCommandString = execaModule.value('parseCommandString');

export interface ChildSpec {
  /** the program, or with `shell` a shell command line */
  file: string;
  args?: string[];
  shell?: boolean;
  /** who and what, for messages: "action \"seed\"", "host ssh2 (root@10.0.0.5): commands.stop" */
  what: string;
  timeoutMs: number;
  signal: AbortSignal;
  cwd?: string;
  /** added to this process's environment (or the whole environment with `extendEnv: false`) */
  env?: Record<string, string | undefined>;
  extendEnv?: boolean;
  input?: string;
  /** values that must never show in the result's text (credentials) */
  secrets?: readonly (string | undefined)[];
  /** called with each non-empty line of stdout and stderr as it comes */
  onLine?(line: string): void;
}

export interface ChildResult {
  /** undefined when killed by a signal */
  exitCode?: number;
  signal?: string;
  stdout: string;
  stderr: string;
  /** the last `tailChars` of stdout+stderr, interleaved, scrubbed */
  tail: string;
  ms: number;
}

const tailChars = 400;

export function scrub(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}

export function tailOf(text: string, secrets?: readonly (string | undefined)[], max = tailChars): string {
  const t = scrub(text.trim(), secrets);
  return t.length > max ? `…${t.slice(-max)}` : t;
}

/** Last non-empty line, for one-line error messages. */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

/**
 * Resolves with the exit code, whatever it is; rejects when the child could not start
 * (`child-spawn`), hit its own bound (`child-timeout`, naming the bound), or the caller's
 * signal fired (the signal's reason: a DeadlineError names the caller's bound).
 */
export async function runChild(spec: ChildSpec): Promise<ChildResult> {
  if (spec.signal.aborted) throw spec.signal.reason ?? new FaultlineError('aborted', `${spec.what}: not started, the run was stopped`);
  await execaModule.load();
  const bounded = deadline(spec.signal, spec.timeoutMs, spec.what);
  const started = performance.now();
  const child = execa(spec.file, spec.args ?? [], {
    shell: spec.shell ?? false,
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: spec.extendEnv ?? true,
    input: spec.input,
    stdin: spec.input === undefined ? 'ignore' : undefined,
    cancelSignal: bounded,
    detached: true,
    reject: false,
    all: true,
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
  if (spec.onLine) {
    const onLine = spec.onLine;
    child.all?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) onLine(scrub(line.trim(), spec.secrets));
    });
  }
  try {
    const r = await child;
    const ms = performance.now() - started;
    if (bounded.aborted) {
      if (spec.signal.aborted) throw spec.signal.reason;
      throw new FaultlineError('child-timeout', `${spec.what}: did not finish within its bound of ${formatDuration(spec.timeoutMs)}`, {
        cause: new DeadlineError(spec.what, spec.timeoutMs),
      });
    }
    if (r.exitCode === undefined && !r.signal) {
      const why = r.code === 'ENOENT' ? `${spec.file} not found on PATH` : (r.shortMessage ?? 'could not start');
      throw new FaultlineError('child-spawn', `${spec.what}: ${why}`, { cause: r.cause });
    }
    return {
      exitCode: r.exitCode,
      signal: r.signal,
      stdout: scrub(String(r.stdout ?? ''), spec.secrets),
      stderr: scrub(String(r.stderr ?? ''), spec.secrets),
      tail: tailOf(String(r.all ?? ''), spec.secrets),
      ms,
    };
  } finally {
    bounded.removeEventListener('abort', killGroup);
    // the child is gone; anything it left in its group goes with it
    killGroup();
  }
}
