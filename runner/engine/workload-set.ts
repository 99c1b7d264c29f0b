/** The workloads of one run: started together, looked up by name, stopped at the end. */
import type { Context, JsonValue, WorkloadDef, WorkloadHandle, WorkloadLookup } from '../core/contracts.js';
import { FaultlineError } from '../core/errors.js';
import type { WorkloadPlan } from '../scenario/types.js';

export class WorkloadSet implements WorkloadLookup {
  private readonly handles = new Map<string, WorkloadHandle>();

  constructor(private readonly kinds: ReadonlyMap<string, WorkloadDef>) {}

  get(name: string): WorkloadHandle | undefined {
    return this.handles.get(name);
  }

  start(plans: WorkloadPlan[], ctx: Context, onProgress: (name: string, fraction: number) => void): void {
    for (const plan of plans) {
      const def = this.kinds.get(plan.kind);
      if (!def) throw new FaultlineError('workload-unknown', `unknown workload kind ${plan.kind}`);
      const h = def.start(plan.name, plan.spec, ctx);
      this.handles.set(plan.name, h);
      h.onProgress((f) => onProgress(plan.name, f));
      ctx.emit('workload.start', { name: plan.name, kind: plan.kind, description: def.describe(plan.spec) });
      void h.settled.then((o) => ctx.emit(`workload.${o.state}`, { name: plan.name, durationMs: o.durationMs, ...(o.error ? { error: o.error } : {}) }));
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.handles.values()].map((h) => h.stop()));
  }

  summaries(): Record<string, Record<string, JsonValue>> {
    return Object.fromEntries([...this.handles].map(([n, h]) => [n, { kind: h.kind, state: h.state(), progress: h.progress(), ...h.summary() }]));
  }
}
