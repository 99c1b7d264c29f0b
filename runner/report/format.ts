/** Small wording helpers shared by every output format, so all of them say the same thing. */
import { formatDuration } from '../core/units.js';
import type { GateResult, RunRecord } from './record.js';

/** "power-off-mid-upload @ local #2" */
export function runLabel(r: RunRecord): string {
  return `${r.scenario.name} @ ${r.stand.name} #${r.iteration}`;
}

/** A name safe as one path segment (no separators, no dot-only names). */
export function safeSegment(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]+/g, '_');
  return /^\.*$/.test(s) ? `_${s}` : s;
}

/** Where a run's record lives, relative to the results directory. */
export function recordPath(r: RunRecord): string {
  return `runs/${safeSegment(r.scenario.name)}--${safeSegment(r.stand.name)}--${r.iteration}.json`;
}

/** A bound as people write it: "30 s", "2 min", else formatDuration. */
export function boundText(ms: number): string {
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms < 120_000 && ms >= 1000 && ms % 1000 === 0) return `${ms / 1000} s`;
  return formatDuration(ms);
}

/** The measured value, with the bound appended when the value does not already state it. */
export function gateValue(g: GateResult): string {
  const value = g.value || '(no value)';
  if (g.boundMs === undefined || /\bbound\b/.test(value)) return value;
  return `${value} (bound ${boundText(g.boundMs)})`;
}

/** "new upload works within 30s — recovered in 23.4 s (bound 30 s)" */
export function gateLine(g: GateResult): string {
  return `${g.name} — ${gateValue(g)}`;
}

/**
 * One line per thing that went wrong in a run: failed or unknown gates, inject and
 * revert errors, and the run's reason when no gate explains the status.
 */
export function problemLines(r: RunRecord): string[] {
  const lines = r.gates.filter((g) => g.verdict !== 'pass').map((g) => `${g.name} — ${g.verdict}: ${gateValue(g)}`);
  for (const f of r.faults) {
    if (f.error) lines.push(`inject ${f.kind} failed: ${f.error}`);
    if (f.effect && !f.effect.ok) lines.push(`effect of ${f.kind} not confirmed: ${f.effect.value}`);
    if (f.revertError) lines.push(`revert ${f.kind} failed: ${f.revertError}`);
  }
  const explained = r.status === 'fail' && lines.length > 0;
  if (r.status !== 'pass' && r.status !== 'skipped' && !explained) {
    lines.push(`${r.status}${r.reason ? `: ${r.reason}` : ''}`);
  }
  return lines;
}

/** Strips control characters (terminal escapes included) and folds line breaks into one line. */
export function oneLine(text: string): string {
  return (
    String(text)
      .replace(/\s*[\r\n]+\s*/g, ' ')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
  );
}

/** Seconds with millisecond precision, for JUnit. */
export function seconds(ms: number | undefined): string {
  return ((ms ?? 0) / 1000).toFixed(3);
}

export function runDuration(r: RunRecord): number {
  if (r.durationMs !== undefined) return r.durationMs;
  return r.endedAt !== undefined ? Math.max(0, r.endedAt - r.startedAt) : 0;
}
