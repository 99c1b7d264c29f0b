/**
 * The WorkloadHandle every workload returns: monotonic progress with listeners, a
 * `settled` promise that never rejects, and stop() that aborts and waits.
 */
import type { JsonValue, Observation, WorkloadHandle, WorkloadOutcome, WorkloadState } from '../core/contracts.js';
import { messageOf } from '../core/errors.js';
import { deadline } from '../core/abort.js';

/** Reason a workload was stopped by the runner (distinguishes a stop from a timeout). */
export class StopRequest extends Error {
  constructor() {
    super('stopped by the runner');
    this.name = 'AbortError';
  }
}

export interface Finish {
  state: 'completed' | 'failed';
  error?: string;
  data?: Record<string, JsonValue>;
}

export class WorkloadRun implements WorkloadHandle {
  readonly settled: Promise<WorkloadOutcome>;
  readonly startedAt = Date.now();
  /** aborts with the run, with stop(), or with the workload's own bound */
  readonly signal: AbortSignal;
  verify?: (signal: AbortSignal) => Promise<Observation>;
  private readonly controller = new AbortController();
  private readonly listeners: ((fraction: number) => void)[] = [];
  private fraction = 0;
  private reported = 0;
  private current: WorkloadState = 'running';
  private resolve!: (o: WorkloadOutcome) => void;

  constructor(
    readonly name: string,
    readonly kind: string,
    parent: AbortSignal,
    boundMs: number | undefined,
    private readonly summarize: () => Record<string, JsonValue>,
  ) {
    this.settled = new Promise((r) => (this.resolve = r));
    const own = AbortSignal.any([parent, this.controller.signal]);
    this.signal = boundMs === undefined ? own : deadline(own, boundMs);
  }

  progress(): number {
    return this.fraction;
  }

  state(): WorkloadState {
    return this.current;
  }

  onProgress(listener: (fraction: number) => void): void {
    this.listeners.push(listener);
  }

  /** Moves progress forward (never back); listeners hear steps of at least 0.1% and the end. */
  setProgress(fraction: number): void {
    const f = Math.min(1, Math.max(this.fraction, fraction));
    if (f === this.fraction) return;
    this.fraction = f;
    if (f - this.reported < 0.001 && f < 1) return;
    this.reported = f;
    for (const l of this.listeners) {
      try {
        l(f);
      } catch {
        // a listener's failure is not the workload's
      }
    }
  }

  /** Runs the body once; its result or error becomes the outcome. */
  start(body: () => Promise<Finish>): this {
    void (async () => {
      let fin: Finish;
      try {
        fin = await body();
      } catch (err) {
        fin = { state: 'failed', error: messageOf(err) };
      }
      this.current = fin.state;
      this.resolve({ state: fin.state, durationMs: Date.now() - this.startedAt, error: fin.error, data: fin.data });
    })();
    return this;
  }

  async stop(): Promise<void> {
    if (this.current === 'running') this.controller.abort(new StopRequest());
    await this.settled;
  }

  /** Why the signal fired: 'stopped', 'timeout' (own bound) or 'aborted' (the run). */
  abortCause(parent: AbortSignal): 'stopped' | 'timeout' | 'aborted' | undefined {
    if (!this.signal.aborted) return undefined;
    if (this.controller.signal.aborted) return 'stopped';
    if (parent.aborted) return 'aborted';
    return 'timeout';
  }

  summary(): Record<string, JsonValue> {
    return this.summarize();
  }
}
