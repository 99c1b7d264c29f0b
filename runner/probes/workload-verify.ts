/**
 * workload.verify: waits (bounded by the gate) for the named workload to settle, then has
 * it read back and check what it wrote (the ledger: lost and corrupt counts).
 */
import type { ProbeDef, WorkloadOutcome } from '../core/contracts.js';
import { FaultlineError } from '../core/errors.js';
import { workloadNamed } from './workload-settled.js';

export interface VerifySpec {
  name: string;
}

const probe: ProbeDef<VerifySpec> = {
  kind: 'workload.verify',
  summary: 'after the named workload settles, read back and check what it wrote',
  requires: [],
  schema: {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: { name: { type: 'string', minLength: 1 } },
  },
  describe: (s) => `verify what workload ${s.name} wrote`,
  async evaluate(s, ctx) {
    const h = workloadNamed(ctx, s.name);
    if (!h.verify) throw new FaultlineError('workload-verify', `workload ${s.name} (${h.kind}) has nothing to verify`);
    const { signal } = ctx;
    signal.throwIfAborted();
    await new Promise<WorkloadOutcome>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      void h.settled.then((o) => {
        signal.removeEventListener('abort', onAbort);
        resolve(o);
      });
    });
    return h.verify(signal);
  },
};

export default probe;
