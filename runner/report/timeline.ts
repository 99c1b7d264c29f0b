/**
 * What a run's timeline shows, worked out from its record: fault windows, every gate's
 * verdict with its bound, workload progress, and which gates measured a detection (bound
 * starting while a fault was in) or a recovery (bound starting after a revert, no fault in).
 */
import { formatDuration } from '../core/units.js';
import { boundText } from './format.js';
import type { GateResult, RunRecord, Verdict } from './record.js';

export interface FaultWindow {
  id: string;
  kind: string;
  description: string;
  from: number;
  /** revert time, or the run's end when it was never reverted */
  to: number;
  reverted: boolean;
  error?: string;
}

export interface GateMark {
  name: string;
  probe: string;
  verdict: Verdict;
  value: string;
  /** when the gate began evaluating */
  from: number;
  /** the verdict */
  at: number;
  /** the bound as a window on the time axis (within: from its start; during: the sample window) */
  bound?: { from: number; to: number; text: string };
  mode: 'once' | 'within' | 'during';
  /** within gates that passed: what their time measured */
  phase?: 'detection' | 'recovery';
  /** short text beside the mark, e.g. "recovered after 1.1 s (bound 60 s)" */
  label: string;
  /** each probe evaluation: [epoch ms, what it said] */
  evaluations: [number, Verdict][];
}

export interface WorkloadLine {
  name: string;
  points: [number, number][];
  startedAt?: number;
  settled?: { at: number; state: string };
}

export interface TimelineModel {
  start: number;
  end: number;
  faults: FaultWindow[];
  gates: GateMark[];
  workloads: WorkloadLine[];
}

export function timelineModel(r: RunRecord): TimelineModel {
  const start = r.startedAt;
  const seen = [
    r.endedAt ?? start,
    ...r.timeline.map((e) => e.at),
    ...r.gates.map((g) => g.endedAt ?? 0),
    ...r.faults.map((f) => f.revertedAt ?? f.injectedAt ?? 0),
    ...Object.values(r.progress ?? {}).flatMap((ps) => ps.map((p) => p[0])),
  ];
  const end = Math.max(start + 1, ...seen);
  const faults: FaultWindow[] = r.faults
    .filter((f) => f.injectedAt !== undefined)
    .map((f) => ({
      id: f.id,
      kind: f.kind,
      description: f.description,
      from: f.injectedAt!,
      to: f.revertedAt ?? end,
      reverted: f.revertedAt !== undefined,
      ...(f.error || f.revertError ? { error: [f.error, f.revertError && `revert: ${f.revertError}`].filter(Boolean).join('; ') } : {}),
    }));
  const gates = r.gates.map((g) => gateMark(g, r, faults, end));
  return { start, end, faults, gates, workloads: workloadLines(r) };
}

function gateMark(g: GateResult, r: RunRecord, faults: FaultWindow[], end: number): GateMark {
  const mode = g.availability !== undefined ? 'during' : g.boundMs !== undefined ? 'within' : 'once';
  // records written before gates carried their times: place the verdict by the timeline's gate event
  const at = g.endedAt ?? r.timeline.find((e) => e.type === 'gate' && e.name === g.name)?.at ?? end;
  const from = g.startedAt ?? at - g.elapsedMs;
  const mark: GateMark = { name: g.name, probe: g.probe, verdict: g.verdict, value: g.value, from, at, mode, label: '', evaluations: g.evaluations ?? [] };
  if (mode === 'during') {
    mark.bound = { from: at - g.elapsedMs, to: at, text: `window ${boundText(g.boundMs!)}` };
    mark.label = `${((g.availability ?? 0) * 100).toFixed(1)}% available over ${formatDuration(g.elapsedMs)}`;
  } else if (mode === 'within') {
    const boundFrom = g.boundStartAt ?? from;
    mark.bound = { from: boundFrom, to: boundFrom + g.boundMs!, text: `bound ${boundText(g.boundMs!)}` };
    if (g.verdict === 'pass') {
      const active = faults.some((f) => f.from <= boundFrom && boundFrom < f.to);
      const after = faults.some((f) => f.reverted && f.to <= boundFrom);
      mark.phase = active ? 'detection' : after ? 'recovery' : undefined;
      const word = mark.phase === 'detection' ? 'detected after' : mark.phase === 'recovery' ? 'recovered after' : 'passed after';
      mark.label = `${word} ${formatDuration(g.elapsedMs)} (bound ${boundText(g.boundMs!)})`;
    } else {
      mark.label = `${g.verdict}: ${short(g.value)}`;
    }
  } else {
    mark.label = `${g.verdict}: ${short(g.observation ?? g.value)}`;
  }
  return mark;
}

function workloadLines(r: RunRecord): WorkloadLine[] {
  const names = [...new Set([...Object.keys(r.workloads), ...Object.keys(r.progress ?? {})])];
  return names.map((name) => {
    const started = r.timeline.find((e) => e.type === 'workload.start' && e.name === name)?.at;
    const settled = r.timeline.find((e) => (e.type === 'workload.completed' || e.type === 'workload.failed') && e.name === name);
    const points: [number, number][] = [...(started !== undefined ? [[started, 0] as [number, number]] : []), ...(r.progress?.[name] ?? [])];
    return {
      name,
      points,
      ...(started !== undefined ? { startedAt: started } : {}),
      ...(settled ? { settled: { at: settled.at, state: settled.type.slice('workload.'.length) } } : {}),
    };
  });
}

function short(s: string, max = 60): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}
