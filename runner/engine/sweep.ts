/** A sweep: every scenario x stand x iteration, one after another, results written as they come. */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Stand } from '../core/contracts.js';
import type { Catalog } from '../core/catalog.js';
import { ExitCode, FaultlineError, type ExitCodeValue } from '../core/errors.js';
import type { Matrix, Reporter, RunRecord } from '../report/record.js';
import { buildMatrix } from '../report/matrix.js';
import type { Scenario } from '../scenario/types.js';
import { Journal, journalBegin } from './journal.js';
import { executeRun } from './run.js';
import { shardLabel, shardPlan, type Shard } from './shard.js';
import { defaultResultsRoot, indexJournal, recoverStale } from './stale.js';
import { Watchdog } from './watchdog.js';
import { loadS3Sdk } from '../s3/sdk.js';

export interface SweepOptions {
  catalog: Catalog;
  /** opens the stand a dead run's journal names, to revert what it left there */
  openStand(ref: string, signal: AbortSignal): Promise<Stand>;
  scenarios: Scenario[];
  stands: Stand[];
  /** the scenarios as loaded for each stand (its params), in the order of `scenarios`; default: `scenarios` */
  scenariosByStand?: ReadonlyMap<Stand, Scenario[]>;
  /** overrides each scenario's repeat */
  repeat?: number;
  resultsRoot: string;
  seed?: number;
  /** destructive scenarios on protected stands */
  yes: boolean;
  signal: AbortSignal;
  /** the sweep id (default: a new one); shards of one sweep on many machines share it */
  runId?: string;
  /** run only this part of the plan */
  shard?: Shard;
  /** made once the run folder exists */
  reporter(resultsDir: string): Reporter;
  /** what the sweep did before the first run (faults an earlier runner left, reverted) */
  log?(line: string): void;
}

export interface SweepResult {
  runId: string;
  resultsDir: string;
  records: RunRecord[];
  matrix: Matrix;
  exitCode: ExitCodeValue;
}

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}-${randomBytes(2).toString('hex')}`;
}

/** Refuses destructive scenarios on protected stands unless --yes. */
export function checkProtected(scenarios: Scenario[], stands: Stand[], yes: boolean): void {
  if (yes) return;
  for (const stand of stands.filter((s) => s.protected)) {
    const destructive = scenarios.filter((s) => s.steps.some((step) => step.type === 'fault' || step.type === 'action'));
    if (destructive.length) {
      throw new FaultlineError('stand-protected', `stand ${stand.name} is protected and ${destructive.map((s) => s.name).join(', ')} inject faults or run actions`, {
        exitCode: ExitCode.invalidInput,
        hint: 'add --yes to run them there anyway',
      });
    }
  }
}

export function exitCodeFor(records: RunRecord[]): ExitCodeValue {
  if (records.some((r) => r.faults.some((f) => f.revertError))) return ExitCode.revertFailed;
  if (records.some((r) => r.status === 'interrupted')) return ExitCode.interrupted;
  if (records.some((r) => r.status === 'error')) return ExitCode.runnerError;
  if (records.some((r) => r.status === 'fail' || r.status === 'unknown')) return ExitCode.gateFailed;
  return ExitCode.ok;
}

export async function runSweep(opts: SweepOptions): Promise<SweepResult> {
  checkProtected(opts.scenarios, opts.stands, opts.yes);
  const forStand = (stand: Stand, i: number) => opts.scenariosByStand?.get(stand)?.[i] ?? opts.scenarios[i]!;
  const runId = opts.runId ?? newRunId();
  const shard = opts.shard && shardLabel(opts.shard);
  // shards of one sweep may share a machine and a results root
  const folder = opts.shard ? `${runId}.shard-${opts.shard.index}-of-${opts.shard.count}` : runId;
  const resultsDir = resolve(join(opts.resultsRoot, folder));
  await mkdir(join(resultsDir, 'runs'), { recursive: true });
  // before any steady-state gate: a stand still carrying an earlier run's faults is not the stand under test
  for (const stand of opts.stands) {
    // the SDK's load stalls the event loop: here, not inside a timed gate or workload
    if (stand.s3) await loadS3Sdk();
    await recoverStale({ tools: { faults: opts.catalog.faults, openStand: opts.openStand }, stand, resultsRoots: [defaultResultsRoot, opts.resultsRoot], signal: opts.signal, log: opts.log ?? (() => {}) });
  }
  const journal = await Journal.open(resultsDir);
  await journal.append(journalBegin(runId));
  for (const stand of opts.stands) await indexJournal(stand.name, journal.path);
  const watchdog = new Watchdog(resultsDir);
  const baseSeed = opts.seed ?? randomBytes(4).readUInt32BE() >>> 1;
  const plan = shardPlan(
    opts.scenarios.flatMap((_, si) =>
      opts.stands.flatMap((stand) => {
        const scenario = forStand(stand, si);
        return Array.from({ length: opts.repeat ?? scenario.repeat }, (_, i) => ({ scenario, stand, iteration: i + 1 }));
      }),
    ),
    opts.shard,
  );
  const startedAt = Date.now();
  const reporter = opts.reporter(resultsDir);
  await reporter.onSweepStart?.({ runId, resultsDir, total: plan.length });
  const records: RunRecord[] = [];
  try {
    for (const { scenario, stand, iteration } of plan) {
      if (opts.signal.aborted) break;
      const repeat = opts.repeat ?? scenario.repeat;
      const record = await executeRun({ ...scenario, repeat }, stand, {
        catalog: opts.catalog,
        runId,
        iteration,
        seed: baseSeed + iteration - 1,
        signal: opts.signal,
        journal,
        reporter,
        shard,
        armWatchdog: () => watchdog.arm(),
      });
      records.push(record);
    }
  } finally {
    await journal.append({ type: 'end', at: Date.now() });
    await journal.close();
    await watchdog.dispose();
  }
  const matrix = buildMatrix(records, { runId, startedAt, endedAt: Date.now() });
  await reporter.onSweepEnd?.(matrix, records);
  return { runId, resultsDir, records, matrix, exitCode: exitCodeFor(records) };
}
