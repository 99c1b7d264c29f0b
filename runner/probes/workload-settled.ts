/**
 * workload.settled: the named workload has ended -- completed, or failed cleanly (a hang
 * that ran into the workload's own bound, or leftovers it could not clean, are not clean).
 * `expect: completed` accepts only completion. Event-driven: a `within` gate passes the
 * moment the workload settles.
 */
import type { Context, Observation, ProbeDef, WorkloadHandle, WorkloadOutcome } from '../core/contracts.js';
import { FaultlineError } from '../core/errors.js';
import { formatDuration } from '../core/units.js';

export interface SettledSpec {
  name: string;
  expect?: 'ended' | 'completed';
}

export function workloadNamed(ctx: Context, name: string): WorkloadHandle {
  const h = ctx.workloads.get(name);
  if (!h) throw new FaultlineError('workload-missing', `no workload named "${name}" is running in this scenario`);
  return h;
}

/** What an ended workload's outcome says, in the words of the verdict. */
export function judgeOutcome(o: WorkloadOutcome, expect: SettledSpec['expect']): Observation {
  const clean = o.data?.clean !== false;
  const value =
    o.state === 'completed'
      ? `completed in ${formatDuration(o.durationMs)}`
      : `failed after ${formatDuration(o.durationMs)}: ${o.error ?? 'no reason given'}${clean ? '' : ' (not clean)'}`;
  const ok = expect === 'completed' ? o.state === 'completed' : o.state === 'completed' || clean;
  return { ok, value, data: { state: o.state, durationMs: o.durationMs, clean } };
}

function running(h: WorkloadHandle): Observation {
  return { ok: false, value: `still running at ${Math.floor(h.progress() * 100)}%`, data: { state: 'running', progress: h.progress() } };
}

const probe: ProbeDef<SettledSpec> = {
  kind: 'workload.settled',
  summary: 'the named workload has ended: completed, or failed cleanly',
  requires: [],
  schema: {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: { name: { type: 'string', minLength: 1 }, expect: { enum: ['ended', 'completed'] } },
  },
  describe: (s) => `workload ${s.name} ${s.expect === 'completed' ? 'completed' : 'settled'}`,
  async evaluate(s, ctx) {
    const h = workloadNamed(ctx, s.name);
    if (h.state() === 'running') return running(h);
    return judgeOutcome(await h.settled, s.expect);
  },
  async waitUntil(s, ctx) {
    const h = workloadNamed(ctx, s.name);
    const { signal } = ctx;
    signal.throwIfAborted();
    const outcome = await new Promise<WorkloadOutcome>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      void h.settled.then((o) => {
        signal.removeEventListener('abort', onAbort);
        resolve(o);
      });
    });
    const at = Date.now();
    const obs = judgeOutcome(outcome, s.expect);
    if (obs.ok) return { ...obs, at };
    // ended in a way that can never pass: let the bound run out so the gate records the failure
    await new Promise((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    throw new Error('unreachable');
  },
};

export default probe;
