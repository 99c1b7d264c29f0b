/** Decides one gate: a probe evaluated once, until it passes within a bound, or sampled over a window. */
import type { Context, Observation, ProbeDef } from '../core/contracts.js';
import { deadline, isAbortError, sleep } from '../core/abort.js';
import { UnsupportedError, messageOf } from '../core/errors.js';
import { formatDuration } from '../core/units.js';
import { standSecrets } from '../core/stand-env.js';
import { scrub as scrubSecrets } from '../core/child.js';
import type { GateResult } from '../report/record.js';
import type { GatePlan } from '../scenario/types.js';

/** A single evaluation may not outlive this, whatever the gate's bound. */
const singleEvaluationMs = 60_000;
const pollIntervalMs = 500;

export interface GateInput {
  step: number;
  plan: GatePlan;
  probe: ProbeDef;
  ctx: Context;
  /** epoch ms the `within` bound counts from (gate start, or the `since` step's end) */
  startedAt: number;
  progress(fraction: number, detail: string): void;
  /** every probe evaluation as it ends: its time and what it said (for the report's timeline) */
  onEvaluation?(at: number, verdict: 'pass' | 'fail' | 'unknown'): void;
}

/** `cutShort`: the probe did not answer before its slice of the bound ran out */
type Attempt = { obs: Observation; threw: false; cutShort?: boolean } | { error: string; threw: true };

/** `expect: fail` gates pass when the probe observes the failure (a probe that throws stays unknown). */
function expected(plan: GatePlan, obs: Observation): Observation {
  return plan.expectFail ? { ...obs, ok: !obs.ok, value: `${obs.ok ? 'unexpectedly ok' : 'failing as expected'}: ${obs.value}` } : obs;
}

async function attempt(input: GateInput, ms: number): Promise<Attempt> {
  const a = await attemptOnce(input, ms);
  input.onEvaluation?.(Date.now(), a.threw ? 'unknown' : a.obs.ok ? 'pass' : 'fail');
  return a;
}

async function attemptOnce(input: GateInput, ms: number): Promise<Attempt> {
  const { probe, plan, ctx } = input;
  const signal = deadline(ctx.signal, Math.max(1, ms));
  try {
    const obs = expected(plan, await probe.evaluate(plan.spec, { ...ctx, signal }));
    // a probe that reports its own abort as what it saw ("ListBuckets failed: Request aborted") was cut short all the same
    return { obs, threw: false, ...(signal.aborted && !ctx.signal.aborted ? { cutShort: true } : {}) };
  } catch (err) {
    // the stand cannot answer this probe at all (e.g. a server without that admin API): skipped, not unknown
    if (ctx.signal.aborted || err instanceof UnsupportedError) throw err;
    const message = signal.aborted ? `probe did not answer within ${formatDuration(ms)}` : messageOf(err);
    // a probe that timed out has answered "not yet" for a bounded gate; anything else means it could not be evaluated
    return signal.aborted ? { obs: expected(plan, { ok: false, value: message }), threw: false, cutShort: true } : { error: message, threw: true };
  }
}

/** Every verdict goes through here: the stand's secrets are scrubbed from whatever a probe measured. */
function result(input: GateInput, fields: Omit<GateResult, 'step' | 'name' | 'probe'>): GateResult {
  const secrets = standSecrets(input.ctx.stand);
  const scrub = (t: string) => scrubSecrets(t, secrets);
  const clean = {
    ...fields,
    value: scrub(fields.value),
    ...(fields.observation === undefined ? {} : { observation: scrub(fields.observation) }),
    ...(fields.data === undefined ? {} : { data: JSON.parse(scrub(JSON.stringify(fields.data))) as GateResult['data'] }),
  };
  return { step: input.step, name: input.plan.name, probe: input.plan.probe, ...clean };
}

async function once(input: GateInput): Promise<GateResult> {
  const t0 = Date.now();
  const a = await attempt(input, singleEvaluationMs);
  const elapsedMs = Date.now() - t0;
  if (a.threw) return result(input, { verdict: 'unknown', value: `could not evaluate: ${a.error}`, elapsedMs });
  return result(input, { verdict: a.obs.ok ? 'pass' : 'fail', value: a.obs.value, elapsedMs, observation: a.obs.value, data: a.obs.data });
}

async function within(input: GateInput): Promise<GateResult> {
  const bound = input.plan.boundMs!;
  const end = input.startedAt + bound;
  const boundText = `bound ${formatDuration(bound)}`;
  // an observation that only arrived after the bound is late, not a pass
  const pass = (obs: Observation, at: number) =>
    result(input, {
      verdict: at <= end ? 'pass' : 'fail',
      value: `${at <= end ? 'passed' : 'passed too late'} after ${formatDuration(at - input.startedAt)} (${boundText}): ${obs.value}`,
      elapsedMs: at - input.startedAt,
      boundMs: bound,
      observation: obs.value,
      data: obs.data,
    });
  const ticker = setInterval(() => {
    const spent = Date.now() - input.startedAt;
    // past the bound only the verdict is news (a last evaluation may still be answering)
    if (spent < bound) input.progress(spent / bound, `${formatDuration(spent)} of ${formatDuration(bound)}`);
  }, 250);
  try {
    if (input.probe.waitUntil && !input.plan.expectFail) {
      const signal = deadline(input.ctx.signal, Math.max(1, end - Date.now()));
      try {
        const obs = await input.probe.waitUntil(input.plan.spec, { ...input.ctx, signal });
        // a watch evaluates once: at the event that satisfied it
        input.onEvaluation?.(obs.at, 'pass');
        return pass(obs, obs.at);
      } catch (err) {
        if (input.ctx.signal.aborted || err instanceof UnsupportedError) throw err;
        if (!signal.aborted && !isAbortError(err)) {
          return result(input, { verdict: 'unknown', value: `could not evaluate: ${messageOf(err)}`, elapsedMs: Date.now() - input.startedAt, boundMs: bound });
        }
      }
      // bound expired: one last look, for the value in the verdict
      const last = await attempt(input, 5_000);
      const lastText = last.threw ? `could not evaluate: ${last.error}` : last.obs.value;
      return result(input, { verdict: 'fail', value: `no pass within ${formatDuration(bound)} (${boundText}); last: ${lastText}`, elapsedMs: bound, boundMs: bound, observation: lastText });
    }
    let last: Attempt | undefined;
    let evaluated = false;
    for (;;) {
      const left = end - Date.now();
      if (left <= 0) break;
      const a = await attempt(input, Math.min(left, singleEvaluationMs));
      // a final poll cut short by the bound says less than the answer before it
      if (!(a.threw === false && a.cutShort && last && !last.threw)) last = a;
      if (!a.threw) {
        evaluated = true;
        if (a.obs.ok) return pass(a.obs, Date.now());
      }
      const wait = Math.min(pollIntervalMs, end - Date.now());
      if (wait > 0) await sleep(wait, input.ctx.signal);
    }
    const lastText = !last ? 'never evaluated' : last.threw ? `could not evaluate: ${last.error}` : last.obs.value;
    return result(input, {
      verdict: evaluated ? 'fail' : 'unknown',
      value: `no pass within ${formatDuration(bound)} (${boundText}); last: ${lastText}`,
      elapsedMs: Date.now() - input.startedAt,
      boundMs: bound,
      observation: lastText,
    });
  } finally {
    clearInterval(ticker);
  }
}

async function during(input: GateInput): Promise<GateResult> {
  const { windowMs = 0, min = 1, everyMs = 1000 } = input.plan;
  const t0 = Date.now();
  let ok = 0;
  let total = 0;
  let unknown = 0;
  let lastFailure: string | undefined;
  while (Date.now() - t0 < windowMs) {
    const slot = Date.now();
    const a = await attempt(input, Math.min(everyMs * 5, singleEvaluationMs));
    total++;
    if (a.threw) {
      unknown++;
      lastFailure = a.error;
    } else if (a.obs.ok) ok++;
    else lastFailure = a.obs.value;
    const spent = Date.now() - t0;
    input.progress(Math.min(1, spent / windowMs), `${ok}/${total} samples ok`);
    const wait = Math.min(slot + everyMs - Date.now(), windowMs - spent);
    if (wait > 0) await sleep(wait, input.ctx.signal);
  }
  const elapsedMs = Date.now() - t0;
  const availability = total ? ok / total : 0;
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const value = `${pct(availability)} available over ${formatDuration(elapsedMs)} (min ${pct(min)}), ${total - ok}/${total} samples failed${lastFailure ? `; last failure: ${lastFailure}` : ''}`;
  const verdict = unknown === total ? 'unknown' : availability >= min ? 'pass' : 'fail';
  return result(input, { verdict, value, elapsedMs, boundMs: windowMs, availability });
}

function byMode(input: GateInput): Promise<GateResult> {
  switch (input.plan.mode) {
    case 'once':
      return once(input);
    case 'within':
      return within(input);
    case 'during':
      return during(input);
  }
}

/** A gate whose probe the stand does not support is `skipped` with the reason; it fails nothing. */
export async function evaluateGate(input: GateInput): Promise<GateResult> {
  const t0 = Date.now();
  try {
    return await byMode(input);
  } catch (err) {
    if (!(err instanceof UnsupportedError) || input.ctx.signal.aborted) throw err;
    return result(input, { verdict: 'skipped', value: `skipped: ${err.message}`, elapsedMs: Date.now() - t0 });
  }
}
