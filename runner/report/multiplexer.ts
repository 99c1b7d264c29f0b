/**
 * Fans every hook out to several reporters. A reporter that throws, rejects or hangs
 * past its bound is reported once on stderr and disabled; the others carry on and the
 * returned promise never rejects, so a broken reporter cannot break the run.
 */
import { messageOf } from '../core/errors.js';
import type { Reporter } from './record.js';

type Hook = Exclude<keyof Reporter, 'name'>;

export interface ReporterFailure {
  reporter: string;
  hook: Hook;
  error: unknown;
}

export interface MultiplexerOptions {
  /** where failures are reported; default process.stderr */
  stderr?: { write(text: string): unknown };
  /** longest a single hook call may take before its reporter is disabled; default 60 s */
  hookTimeoutMs?: number;
}

export class ReporterMultiplexer implements Required<Reporter> {
  readonly name = 'multiplexer';
  /** every reporter disabled so far, for the CLI to mention (e.g. results could not be written) */
  readonly failures: ReporterFailure[] = [];
  private readonly active: Set<Reporter>;
  private readonly stderr: { write(text: string): unknown };
  private readonly timeoutMs: number;

  constructor(reporters: readonly Reporter[], opts: MultiplexerOptions = {}) {
    this.active = new Set(reporters);
    this.stderr = opts.stderr ?? process.stderr;
    this.timeoutMs = opts.hookTimeoutMs ?? 60_000;
  }

  onSweepStart(...a: Parameters<Required<Reporter>['onSweepStart']>) { return this.fan('onSweepStart', a); }
  onRunStart(...a: Parameters<Required<Reporter>['onRunStart']>) { return this.fan('onRunStart', a); }
  onStep(...a: Parameters<Required<Reporter>['onStep']>) { return this.fan('onStep', a); }
  onEvent(...a: Parameters<Required<Reporter>['onEvent']>) { return this.fan('onEvent', a); }
  onProgress(...a: Parameters<Required<Reporter>['onProgress']>) { return this.fan('onProgress', a); }
  onGate(...a: Parameters<Required<Reporter>['onGate']>) { return this.fan('onGate', a); }
  onRunEnd(...a: Parameters<Required<Reporter>['onRunEnd']>) { return this.fan('onRunEnd', a); }
  onSweepEnd(...a: Parameters<Required<Reporter>['onSweepEnd']>) { return this.fan('onSweepEnd', a); }

  /** Names of the reporters still listening. */
  get reporters(): string[] {
    return [...this.active].map((r) => r.name);
  }

  private async fan(hook: Hook, args: unknown[]): Promise<void> {
    const calls = [...this.active].map((r) => {
      const fn = r[hook] as ((...a: unknown[]) => unknown) | undefined;
      return fn ? this.call(r, hook, () => fn.apply(r, args)) : undefined;
    });
    await Promise.all(calls);
  }

  private async call(r: Reporter, hook: Hook, run: () => unknown): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = run(); // synchronous throws land in the catch below
      if (result !== null && typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${hook} took longer than ${this.timeoutMs} ms`)), this.timeoutMs);
          timer.unref();
        });
        await Promise.race([Promise.resolve(result), timeout]);
      }
    } catch (error) {
      this.disable(r, hook, error);
    } finally {
      clearTimeout(timer);
    }
  }

  private disable(r: Reporter, hook: Hook, error: unknown): void {
    if (!this.active.delete(r)) return; // already reported
    this.failures.push({ reporter: r.name, hook, error });
    try {
      this.stderr.write(`faultline: reporter "${r.name}" failed in ${hook} and was disabled: ${messageOf(error)}\n`);
    } catch {
      // nowhere left to say it; the failure stays in `failures`
    }
  }
}
