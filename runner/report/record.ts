/** The result record of one run (scenario x stand x iteration) and the events reporters hear. */
import type { JsonValue, TimelineEvent } from '../core/contracts.js';

/** skipped: the stand cannot answer the gate's probe (a capability or API it lacks), said in the value */
export type Verdict = 'pass' | 'fail' | 'unknown' | 'skipped';

/** pass: every gate passed; fail: a gate failed or was unknown; skipped: the stand lacks a capability;
 * error: the runner could not carry the run out; interrupted: Ctrl-C / SIGTERM;
 * unknown: the run proved nothing (a fault whose effect was not confirmed, or a stand
 * that was not healthy before the first fault). */
export type RunStatus = 'pass' | 'fail' | 'skipped' | 'error' | 'interrupted' | 'unknown';

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
  /** epoch ms the gate step began evaluating */
  startedAt?: number;
  /** epoch ms of the verdict */
  endedAt?: number;
  /** epoch ms a `within` bound counted from, when that was not the gate's start (`since`) */
  boundStartAt?: number;
  /** every probe evaluation: [epoch ms, what it said]; at most the first 1000 */
  evaluations?: [number, Verdict][];
}

/** A workload's progress at a moment: [epoch ms, fraction 0..1]. */
export type ProgressSample = [number, number];

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
  /** who reverted it when not the run itself: the watchdog (runner vanished) or `faultline recover` */
  revertedBy?: 'watchdog' | 'recover';
  details?: Record<string, JsonValue>;
  /** whether the fault was seen to take effect right after inject (FaultDef.confirm) */
  effect?: FaultEffect;
}

export interface FaultEffect {
  ok: boolean;
  /** what was observed, in words, e.g. "connect from node1 to node4:9000 timed out after 1.0 s (no RST)" */
  value: string;
  /** how long after inject it was confirmed (or gave up) */
  elapsedMs: number;
}

export interface RunRecord {
  schema: 'faultline/run-record/v1';
  runId: string;
  scenario: { name: string; file: string; description?: string; labels?: Record<string, string> };
  stand: { name: string; driver: string };
  iteration: number;
  repeat: number;
  seed: number;
  /** the machine that ran it (os.hostname) */
  host?: string;
  /** "i/n" when the sweep ran one shard of the plan */
  shard?: string;
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
  /** progress samples per workload, thinned (see engine/progress-samples.ts) */
  progress?: Record<string, ProgressSample[]>;
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
  /** runs that proved nothing (effect of a fault not confirmed, stand unhealthy before the first fault) */
  unknown: number;
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
  /** the sweep ids merged into this matrix (`faultline report|merge`), when more than one */
  sources?: string[];
  /** against `--baseline` */
  comparison?: Comparison;
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

/** `--baseline`: what changed against an earlier matrix (report/baseline.ts computes it). */
export interface CellChange {
  scenario: string;
  stand: string;
  /** the baseline cell's status, or absent when the baseline did not run it */
  was: MatrixCell['status'] | 'absent';
  now: MatrixCell['status'];
  /** "3/3 pass -> 1/3 flaky" */
  text: string;
}

export interface SlowerGate {
  scenario: string;
  stand: string;
  gate: string;
  baselineMs: number;
  currentMs: number;
  ratio: number;
  text: string;
}

export interface Comparison {
  /** sweep ids of the baseline */
  baseline: string[];
  ratio: number;
  floorMs: number;
  regressions: CellChange[];
  fixes: CellChange[];
  newFlakes: CellChange[];
  slower: SlowerGate[];
  /** cells ("scenario @ stand") only one side ran */
  added: string[];
  removed: string[];
}
