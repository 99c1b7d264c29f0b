import { setTimeout as delay } from 'node:timers/promises';
import { FaultlineError } from './errors.js';

const keep = Symbol('faultline.keep');

/**
 * A signal that aborts with the parent or after `ms`, whichever comes first; a timeout
 * aborts with a DeadlineError naming `phase` and the bound, so whoever catches it can
 * say which bound fired. AbortSignal.any() holds its sources only weakly, so a bare
 * timeout signal inside it can be garbage-collected before it fires and the deadline
 * never comes; the returned signal keeps its timer's controller alive while anyone holds it.
 */
export function deadline(parent: AbortSignal, ms: number, phase = 'a bounded wait'): AbortSignal {
  const own = new AbortController();
  const timer = setTimeout(() => own.abort(new DeadlineError(phase, ms)), ms);
  // like AbortSignal.timeout: a pending deadline does not keep the process alive (nor
  // does it listen on the parent, which lives long and would collect listeners)
  timer.unref();
  const signal = AbortSignal.any([parent, own.signal]);
  (signal as AbortSignal & { [keep]?: AbortController })[keep] = own;
  return signal;
}

/** Sleeps `ms`; rejects with the signal's reason when it aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

/** Raised (and used as the abort reason) when a bound runs out; `phase` names what was waiting. */
export class DeadlineError extends FaultlineError {
  constructor(
    readonly phase: string,
    readonly ms: number,
  ) {
    super('deadline', `${phase} did not finish within ${(ms / 1000).toFixed(1)} s`);
    this.name = 'TimeoutError';
  }
}

/**
 * Polls `check` every `intervalMs` until it returns a value other than undefined,
 * or throws DeadlineError after `ms`. For conditions no API can watch (files,
 * process state); Kubernetes waits use watches instead.
 */
export async function pollUntil<T>(
  phase: string,
  ms: number,
  signal: AbortSignal,
  check: (signal: AbortSignal) => Promise<T | undefined>,
  intervalMs = 250,
): Promise<T> {
  const bounded = deadline(signal, ms);
  try {
    for (;;) {
      const v = await check(bounded);
      if (v !== undefined) return v;
      await sleep(intervalMs, bounded);
    }
  } catch (err) {
    if (signal.aborted) throw err;
    if (bounded.aborted) throw new DeadlineError(phase, ms);
    throw err;
  }
}

/** Waits for `p` but gives up when the signal aborts (for calls that take no signal themselves). */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
