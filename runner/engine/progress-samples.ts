/**
 * Workload progress kept in the record, for the report's timeline. Workloads report every
 * socket write; the record keeps at most one sample per `everyMs` per workload (plus the
 * latest one, flushed at the end), so a long upload stays a few hundred points.
 */
import type { ProgressSample } from '../report/record.js';

export class ProgressSamples {
  private readonly pending = new Map<string, ProgressSample>();

  constructor(
    private readonly into: Record<string, ProgressSample[]>,
    private readonly everyMs = 250,
    private readonly maxPerWorkload = 4000,
  ) {}

  add(name: string, fraction: number, at = Date.now()): void {
    const list = (this.into[name] ??= []);
    const last = list.at(-1);
    if (last && last[1] === fraction) return;
    if (!last || at - last[0] >= this.everyMs || fraction >= 1) {
      if (list.length < this.maxPerWorkload) list.push([at, fraction]);
      this.pending.delete(name);
    } else {
      this.pending.set(name, [at, fraction]);
    }
  }

  /** Keeps the newest sample of each workload that was thinned away. */
  flush(): void {
    for (const [name, sample] of this.pending) {
      const list = this.into[name]!;
      if (list.length < this.maxPerWorkload) list.push(sample);
    }
    this.pending.clear();
  }
}
