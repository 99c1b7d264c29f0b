/** Stable process exit codes; documented in the README. */
export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  invalidInput: 2,
  revertFailed: 3,
  runnerError: 4,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface FaultlineErrorOptions {
  hint?: string;
  cause?: unknown;
  exitCode?: ExitCodeValue;
}

/**
 * Base of every error faultline raises on purpose. The CLI prints
 * `error[code]: message`, the hint and the cause chain, and exits with `exitCode`.
 */
export class FaultlineError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly exitCode: ExitCodeValue;

  constructor(code: string, message: string, options: FaultlineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FaultlineError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.runnerError;
  }
}

/** One problem in an input file, positioned for editors and humans. */
export interface InputProblem {
  file: string;
  line?: number;
  col?: number;
  path: string;
  message: string;
}

export function formatProblem(p: InputProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.col ?? 1}`;
  return p.path ? `${where} ${p.path}: ${p.message}` : `${where} ${p.message}`;
}

/** Bad scenario or stand input: every problem found, not just the first. */
export class InvalidInputError extends FaultlineError {
  readonly problems: InputProblem[];
  constructor(problems: InputProblem[], hint?: string) {
    const n = problems.length;
    super('invalid-input', `${n} problem${n === 1 ? '' : 's'} found:\n${problems.map((p) => '  ' + formatProblem(p)).join('\n')}`, {
      exitCode: ExitCode.invalidInput,
      hint,
    });
    this.problems = problems;
  }
}

/** A capability the stand does not have (e.g. network faults in loopback-only mode). */
export class UnsupportedError extends FaultlineError {
  constructor(what: string, standName: string, why?: string) {
    super('unsupported', `${what} is unsupported on this stand (${standName})${why ? `: ${why}` : ''}`, {
      exitCode: ExitCode.invalidInput,
    });
  }
}

/**
 * A check of the stand refused to go ahead before anything was done (a fault's preflight:
 * a kernel without the storage module). A verdict about the stand, like a failed gate.
 */
export class RefusedError extends FaultlineError {
  constructor(code: string, message: string, hint?: string) {
    super(code, message, { exitCode: ExitCode.gateFailed, hint });
  }
}

/** Message of any thrown value, without stack. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
