/** Pieces the detection benchmarks share: percentiles, a figure row, a probe context, pod readiness. */
import type { V1Pod } from '@kubernetes/client-node';
import type { Context, Stand } from '../runner/core/contracts.js';

/** Nearest-rank percentile of `xs` (p in 0..100). */
export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export const row = (name: string, xs: number[], unit = 'ms') =>
  `${name.padEnd(40)} p50 ${String(pct(xs, 50)).padStart(6)} ${unit}   p95 ${String(pct(xs, 95)).padStart(6)} ${unit}   max ${String(Math.max(...xs)).padStart(6)} ${unit}   mean ${mean(xs).toFixed(1).padStart(7)} ${unit}   (n=${xs.length})`;

/** A probe/fault context outside a run: no events, no workloads. */
export function ctxFor(stand: Stand, seed: number, ms: number): Context {
  return { signal: AbortSignal.timeout(ms), stand, emit: () => {}, workloads: { get: () => undefined }, seed, runId: 'bench' };
}

export const readyCondition = (p: V1Pod) => p.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
