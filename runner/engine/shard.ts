/**
 * `--shard i/n`: one of n disjoint parts of a sweep's plan (scenario x stand x iteration).
 * The plan is ordered by its key first, so every machine given the same scenarios,
 * stands and repeat picks the same part whatever order its paths came in; the parts are
 * dealt round-robin, so they differ in size by at most one and their union is the plan.
 */
import { ExitCode, FaultlineError } from '../core/errors.js';

export interface Shard {
  /** 1-based */
  index: number;
  count: number;
}

export interface PlanEntry {
  scenario: { name: string };
  stand: { name: string };
  iteration: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new FaultlineError('invalid-shard', `--shard ${text}: expected i/n with 1 <= i <= n, e.g. --shard 2/4`, { exitCode: ExitCode.invalidInput });
  }
  return { index, count };
}

export function shardLabel(s: Shard): string {
  return `${s.index}/${s.count}`;
}

function compareEntries(a: PlanEntry, b: PlanEntry): number {
  return cmp(a.scenario.name, b.scenario.name) || cmp(a.stand.name, b.stand.name) || a.iteration - b.iteration;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The entries of `plan` in shard `s`, in key order. Without a shard: the whole plan, as given. */
export function shardPlan<T extends PlanEntry>(plan: readonly T[], s: Shard | undefined): T[] {
  if (!s) return [...plan];
  return [...plan].sort(compareEntries).filter((_, i) => i % s.count === s.index - 1);
}
