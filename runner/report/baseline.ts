/**
 * `--baseline`: what changed against an earlier matrix, cell by cell (scenario x stand):
 * regressions (was pass, now fail, flaky or error: a scenario that can no longer prove its
 * point is not green either), fixes (was any of those, now pass), new flakes
 * (flaky now, not flaky before) and recovery times that grew: a `within` gate that passed
 * in both, whose median time to pass grew by more than `ratio` (and by at least `floorMs`,
 * so 20 ms -> 50 ms is not news).
 */
import { ExitCode, FaultlineError } from '../core/errors.js';
import { formatDuration } from '../core/units.js';
import { cellAt, cellLabel } from './matrix.js';
import type { CellChange, Comparison, Matrix, MatrixCell, RunRecord, SlowerGate } from './record.js';

export const defaultRatio = 1.5;
export const defaultFloorMs = 1_000;

export function compare(
  current: { matrix: Matrix; records: readonly RunRecord[] },
  baseline: { matrix: Matrix; records: readonly RunRecord[] },
  opts: { ratio?: number; floorMs?: number } = {},
): Comparison {
  const ratio = opts.ratio ?? defaultRatio;
  const floorMs = opts.floorMs ?? defaultFloorMs;
  const out: Comparison = {
    baseline: [...new Set(baseline.records.map((r) => r.runId))].sort(),
    ratio,
    floorMs,
    regressions: [],
    fixes: [],
    newFlakes: [],
    slower: [],
    added: [],
    removed: [],
  };
  for (const now of current.matrix.cells) {
    const was = cellAt(baseline.matrix, now.scenario, now.stand);
    const change = (): CellChange => ({
      scenario: now.scenario,
      stand: now.stand,
      was: was?.status ?? 'absent',
      now: now.status,
      text: `${was ? cellLabel(was) : 'not run'} → ${cellLabel(now)}`,
    });
    if (!was) out.added.push(`${now.scenario} @ ${now.stand}`);
    const bad = (s?: MatrixCell['status']) => s === 'fail' || s === 'flaky' || s === 'error';
    if (was?.status === 'pass' && bad(now.status)) out.regressions.push(change());
    if (bad(was?.status) && now.status === 'pass') out.fixes.push(change());
    if (now.status === 'flaky' && was?.status !== 'flaky') out.newFlakes.push(change());
    if (was) out.slower.push(...slowerGates(now, current.records, baseline.records, ratio, floorMs));
  }
  for (const was of baseline.matrix.cells) {
    if (!cellAt(current.matrix, was.scenario, was.stand)) out.removed.push(`${was.scenario} @ ${was.stand}`);
  }
  return out;
}

/** Median time to pass of each `within` gate of a cell (gates with a bound and no availability). */
function recoveryTimes(records: readonly RunRecord[], scenario: string, stand: string): Map<string, number> {
  const times = new Map<string, number[]>();
  for (const r of records) {
    if (r.scenario.name !== scenario || r.stand.name !== stand) continue;
    for (const g of r.gates) {
      if (g.verdict !== 'pass' || g.boundMs === undefined || g.availability !== undefined) continue;
      const list = times.get(g.name) ?? [];
      list.push(g.elapsedMs);
      times.set(g.name, list);
    }
  }
  return new Map([...times].map(([name, list]) => [name, median(list)]));
}

function slowerGates(cell: MatrixCell, current: readonly RunRecord[], baseline: readonly RunRecord[], ratio: number, floorMs: number): SlowerGate[] {
  const before = recoveryTimes(baseline, cell.scenario, cell.stand);
  const out: SlowerGate[] = [];
  for (const [gate, currentMs] of recoveryTimes(current, cell.scenario, cell.stand)) {
    const baselineMs = before.get(gate);
    if (baselineMs === undefined) continue;
    const grew = baselineMs > 0 ? currentMs / baselineMs : Infinity;
    if (grew > ratio && currentMs - baselineMs >= floorMs) {
      out.push({
        scenario: cell.scenario,
        stand: cell.stand,
        gate,
        baselineMs,
        currentMs,
        ratio: grew,
        text: `${gate}: ${formatDuration(baselineMs)} → ${formatDuration(currentMs)} (×${Number.isFinite(grew) ? grew.toFixed(1) : '∞'}, median)`,
      });
    }
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** What `--fail-on` can name. */
export const failOnKinds = ['regression', 'new-flake', 'slower', 'not-green'] as const;
export type FailOn = (typeof failOnKinds)[number];

export function parseFailOn(values: readonly string[]): FailOn[] {
  const kinds = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  for (const k of kinds) {
    if (!(failOnKinds as readonly string[]).includes(k)) {
      throw new FaultlineError('invalid-fail-on', `--fail-on ${k}: expected one of ${failOnKinds.join(', ')}`, { exitCode: ExitCode.invalidInput });
    }
  }
  return [...new Set(kinds)] as FailOn[];
}

/** `--fail-on` kinds that compare with a baseline need one; refused before anything is written. */
export function checkFailOn(kinds: readonly FailOn[], hasBaseline: boolean): void {
  const needsBaseline = kinds.filter((k) => k !== 'not-green');
  if (needsBaseline.length && !hasBaseline) {
    throw new FaultlineError('fail-on-needs-baseline', `--fail-on ${needsBaseline.join(',')} compares with a baseline, and none was given`, {
      exitCode: ExitCode.invalidInput,
      hint: 'add --baseline <results dir>',
    });
  }
}

/** The reasons the report should fail, for the kinds asked for; empty: exit 0. */
export function failReasons(kinds: readonly FailOn[], green: boolean, c: Comparison | undefined): string[] {
  const out: string[] = [];
  const n = (xs: unknown[], what: string) => (xs.length ? [`${xs.length} ${what}${xs.length === 1 ? '' : 's'}`] : []);
  if (kinds.includes('not-green') && !green) out.push('the matrix is not green');
  if (c && kinds.includes('regression')) out.push(...n(c.regressions, 'regression'));
  if (c && kinds.includes('new-flake')) out.push(...n(c.newFlakes, 'new flake'));
  if (c && kinds.includes('slower')) out.push(...n(c.slower, 'slower recovery'));
  return out;
}

/** One line for the console and the top of summary.md. */
export function comparisonLine(c: Comparison): string {
  const parts = [
    `${c.regressions.length} regression${c.regressions.length === 1 ? '' : 's'}`,
    `${c.fixes.length} fix${c.fixes.length === 1 ? '' : 'es'}`,
    `${c.newFlakes.length} new flake${c.newFlakes.length === 1 ? '' : 's'}`,
    `${c.slower.length} slower recover${c.slower.length === 1 ? 'y' : 'ies'} (>×${c.ratio})`,
  ];
  if (c.added.length) parts.push(`${c.added.length} new`);
  if (c.removed.length) parts.push(`${c.removed.length} no longer run`);
  return `against ${c.baseline.join(', ') || 'an empty baseline'}: ${parts.join(', ')}`;
}
