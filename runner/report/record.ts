/** The result record of one run (scenario x stand x iteration) and the events reporters hear. */
import type { JsonValue, TimelineEvent } from '../core/contracts.js';

/** skipped: the stand cannot answer the gate's probe (a capability or API it lacks), said in the value */
export type Verdict = 'pass' | 'fail' | 'unknown' | 'skipped';

/** pass: every gate passed; fail: a gate failed or was unknown; skipped: the stand lacks a capability;
 * error: the runner could not carry the run out; interrupted: Ctrl-C / SIGTERM. */
export type RunStatus = 'pass' | 'fail' | 'skipped' | 'error' | 'interrupted';

export interface GateResult {
  /** index of the step in spec.steps */
  step: number;
  name: string;
  probe: string;
  verdict: Verdict;
  /** measured value in words, e.g. "recovered in 23.4 s (bound 30 s)" */
  value: string;
  /** how long the gate took to pass (within), or its window (during) */
  elapsedMs: number;
  boundMs?: number;
  /** during-gates: share of passing samples, 0..1 */
  availability?: number;
  /** the probe's last observation */
  observation?: string;
  data?: Record<string, JsonValue>;
}

export interface FaultResult {
  step: number;
  id: string;
  kind: string;
  description: string;
  injectedAt?: number;
  revertedAt?: number;
  /** inject failed */
  error?: string;
  revertError?: string;
  details?: Record<string, JsonValue>;
}

export interface RunRecord {
  schema: 'faultline/run-record/v1';
  runId: string;
  scenario: { name: string; file: string; description?: string; labels?: Record<string, string> };
  stand: { name: string; driver: string };
  iteration: number;
  repeat: number;
  seed: number;
  status: RunStatus;
  /** why skipped / error / interrupted / which gate failed */
  reason?: string;
  startedAt: number;
  endedAt?: number;
  durationMs?: number;
  gates: GateResult[];
  faults: FaultResult[];
  workloads: Record<string, Record<string, JsonValue>>;
  timeline: TimelineEvent[];
}

export interface MatrixCell {
  scenario: string;
  stand: string;
  runs: number;
  passed: number;
  failed: number;
  skipped: number;
  errored: number;
  interrupted: number;
  /** pass: all passed; flaky: some passed; fail: none passed; skipped: all skipped;
   * error: no gate failed but a run errored or was interrupted (undecided, never green) */
  status: 'pass' | 'flaky' | 'fail' | 'skipped' | 'error';
  /** the first failing gate's name and value, for the summary line */
  firstFailure?: string;
  /** why the runs were skipped (status skipped) */
  reason?: string;
  records: string[];
}

export interface Matrix {
  runId: string;
  startedAt: number;
  endedAt: number;
  scenarios: string[];
  stands: string[];
  cells: MatrixCell[];
}

/**
 * Reporters implement any of these hooks; a multiplexer fans events out and
 * isolates failures, so a broken reporter never loses the results.
 */
export interface Reporter {
  name: string;
  onSweepStart?(info: { runId: string; resultsDir: string; total: number }): void | Promise<void>;
  onRunStart?(record: RunRecord): void | Promise<void>;
  onStep?(record: RunRecord, step: { index: number; title: string }): void | Promise<void>;
  onEvent?(record: RunRecord, event: TimelineEvent): void | Promise<void>;
  /** a bounded wait or workload advanced: fraction 0..1 */
  onProgress?(record: RunRecord, label: string, fraction: number, detail: string): void | Promise<void>;
  onGate?(record: RunRecord, gate: GateResult): void | Promise<void>;
  onRunEnd?(record: RunRecord): void | Promise<void>;
  onSweepEnd?(matrix: Matrix, records: RunRecord[]): void | Promise<void>;
}
