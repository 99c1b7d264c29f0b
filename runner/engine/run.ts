/** One run: a scenario on a stand, one iteration. Always reverts, always leaves a record. */
import { hostname } from 'node:os';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Context, Stand } from '../core/contracts.js';
import { deadline, sleep, untilAborted } from '../core/abort.js';
import { FaultlineError, messageOf } from '../core/errors.js';
import { runChild } from '../core/child.js';
import { standEnv, standSecrets } from '../core/stand-env.js';
import type { Catalog } from '../core/catalog.js';
import { formatDuration } from '../core/units.js';
import type { FaultResult, Reporter, RunRecord } from '../report/record.js';
import type { Scenario, Step } from '../scenario/types.js';
import { paramValues } from '../scenario/params.js';
import { evaluateGate } from './gate.js';
import { outcomeOf } from './outcome.js';
import { Injections } from './injections.js';
import type { Journal } from './journal.js';
import { describeTrigger, waitForTrigger } from './trigger.js';
import { WorkloadSet } from './workload-set.js';
import { ProgressSamples } from './progress-samples.js';

export interface RunOptions {
  catalog: Catalog;
  runId: string;
  iteration: number;
  seed: number;
  /** the sweep's signal: Ctrl-C / SIGTERM */
  signal: AbortSignal;
  journal: Journal;
  reporter: Reporter;
  /** "i/n" when the sweep runs one shard of its plan */
  shard?: string;
  /** called before each inject, once its undo is journaled: the dead-man's switch (watchdog.ts) */
  armWatchdog?: () => Promise<void>;
  /** how long a fault may take to show its effect (default confirmTimeoutMs) */
  confirmTimeoutMs?: number;
  /** bound of stopping the workloads at the end (default workloadStopMs) */
  workloadStopMs?: number;
  /** each run gets <workRoot>/<run key> as its FAULTLINE_RUN_DIR */
  workRoot?: string;
}

/** Stopping the workloads gets this long; the reverts come next whatever they do. */
export const workloadStopMs = 30_000;

/** Capabilities the scenario needs that the stand lacks, with the stand's reasons. */
export function missingCapabilities(scenario: Scenario, stand: Stand): string[] {
  return scenario.requires
    .filter((c) => !stand.capabilities.has(c))
    .map((c) => (stand.unsupported.get(c) ? `${c} (${stand.unsupported.get(c)})` : c));
}

export function runKey(scenario: Scenario, stand: Stand, iteration: number): string {
  return `${scenario.name}--${stand.name}--${iteration}`;
}

/** Thrown inside the step loop to stop it; the record already says why. */
class StopRun extends Error {}

export async function executeRun(scenario: Scenario, stand: Stand, opts: RunOptions): Promise<RunRecord> {
  const record: RunRecord = {
    schema: 'faultline/run-record/v1',
    runId: opts.runId,
    scenario: { name: scenario.name, file: scenario.file, description: scenario.description, labels: scenario.labels },
    stand: { name: stand.name, driver: stand.driver },
    iteration: opts.iteration,
    repeat: scenario.repeat,
    seed: opts.seed,
    host: hostname(),
    ...(opts.shard ? { shard: opts.shard } : {}),
    status: 'pass',
    startedAt: Date.now(),
    gates: [],
    faults: [],
    workloads: {},
    timeline: [],
  };
  const report = opts.reporter;
  await report.onRunStart?.(record);

  const missing = missingCapabilities(scenario, stand);
  if (missing.length) {
    record.status = 'skipped';
    record.reason = `stand ${stand.name} lacks ${missing.join(', ')}`;
    return finish(record, report);
  }

  const signal = deadline(opts.signal, scenario.timeoutMs, 'scenario timeout');
  const workloads = new WorkloadSet(opts.catalog.workloads);
  const emit = (type: string, data: Record<string, unknown> = {}) => {
    const event = { type, at: Date.now(), ...data };
    record.timeline.push(event);
    void report.onEvent?.(record, event);
  };
  const runDir = opts.workRoot && join(opts.workRoot, runKey(scenario, stand, opts.iteration));
  const ctx: Context = { signal, stand, emit, workloads, seed: opts.seed, runId: opts.runId, scenarioDir: dirname(resolve(scenario.file)), params: paramValues(scenario.params), runDir };
  const injections = new Injections(opts.catalog.faults, opts.journal, runKey(scenario, stand, opts.iteration), ctx, opts.armWatchdog, opts.confirmTimeoutMs);
  const stepEnds = new Map<string, number>();
  let current: Step | undefined;
  const samples = new ProgressSamples((record.progress = {}));

  const runStep = async (step: Step): Promise<void> => {
    switch (step.type) {
      case 'gate': {
        const probe = opts.catalog.probes.get(step.gate.probe)!;
        const since = step.gate.since ? stepEnds.get(step.gate.since) : undefined;
        const gateStart = Date.now();
        const evaluations: [number, 'pass' | 'fail' | 'unknown'][] = [];
        const gate = await evaluateGate({
          step: step.index,
          plan: step.gate,
          probe,
          ctx,
          startedAt: since ?? Date.now(),
          progress: (f, detail) => void report.onProgress?.(record, step.title, f, detail),
          onEvaluation: (at, verdict) => void (evaluations.length < 1000 && evaluations.push([at, verdict])),
        });
        Object.assign(gate, { startedAt: gateStart, endedAt: Date.now(), evaluations }, since === undefined ? {} : { boundStartAt: since });
        record.gates.push(gate);
        emit('gate', { name: gate.name, verdict: gate.verdict, value: gate.value });
        await report.onGate?.(record, gate);
        if (gate.verdict !== 'pass' && gate.verdict !== 'skipped' && !record.faults.length && scenario.steps.some((s) => s.type === 'fault' && s.index > step.index)) {
          // a steady-state gate: the scenario was never tried, so this says nothing about it
          record.status = 'unknown';
          record.reason = `stand was not healthy before the first fault: gate "${gate.name}" ${gate.verdict}: ${gate.value}`;
          throw new StopRun();
        }
        if (gate.verdict !== 'pass' && gate.verdict !== 'skipped') {
          record.status = 'fail';
          record.reason ??= `gate "${gate.name}" ${gate.verdict}: ${gate.value}`;
          if (!scenario.continueOnFailure) throw new StopRun();
        }
        return;
      }
      case 'fault': {
        const result: FaultResult = { step: step.index, id: step.id, kind: step.kind, description: step.title };
        record.faults.push(result);
        try {
          await injections.inject(step.index, step.id, step.kind, step.spec, result);
        } catch (err) {
          result.error = messageOf(err);
          throw err;
        }
        stepEnds.set(step.id, Date.now());
        if (result.effect && !result.effect.ok) {
          // the gates after it would judge a stand the fault never reached: nothing to learn
          // (a gate that already failed under continueOnFailure stays the verdict)
          const why = `effect of ${step.kind} (${step.title}) not confirmed: ${result.effect.value}`;
          if (record.status === 'pass') {
            record.status = 'unknown';
            record.reason = why;
          }
          emit('run.stopped', { reason: why });
          throw new StopRun();
        }
        return;
      }
      case 'revert':
        await injections.revert(step.target);
        return;
      case 'wait':
        await sleep(step.ms, signal);
        return;
      case 'action': {
        const r = await runChild({
          file: step.run,
          shell: true,
          what: `action "${step.name}"`,
          timeoutMs: step.timeoutMs,
          signal,
          env: standEnv(stand, ctx),
          secrets: standSecrets(stand),
        });
        emit('action', { name: step.name, exitCode: r.exitCode ?? null, output: r.tail });
        if (r.exitCode !== step.exit) {
          throw new FaultlineError('action-failed', `action "${step.name}" exited ${r.exitCode ?? r.signal ?? '?'} (expected ${step.exit})${r.tail ? `: ${r.tail}` : ''}`);
        }
        return;
      }
    }
  };

  try {
    if (runDir) await mkdir(runDir, { recursive: true });
    workloads.start(scenario.workloads, ctx, (name, f) => {
      samples.add(name, f);
      void report.onProgress?.(record, name, f, `${Math.round(f * 100)}%`);
    });
    for (const step of scenario.steps) {
      current = step;
      if (step.when) {
        emit('trigger.wait', { step: step.index, trigger: describeTrigger(step.when) });
        await waitForTrigger(step.when, workloads, signal);
      }
      await report.onStep?.(record, { index: step.index, title: step.title });
      emit('step', { step: step.index, title: step.title });
      await runStep(step);
    }
  } catch (err) {
    if (!(err instanceof StopRun)) {
      const where = current ? `step ${current.index + 1} (${current.title})` : 'start';
      Object.assign(record, outcomeOf({ err, where, interrupted: opts.signal.aborted, runSignal: signal }));
      emit('run.stopped', { reason: record.reason });
    }
  } finally {
    // a workload that will not stop must not hold the stand's faults in place
    const stopMs = opts.workloadStopMs ?? workloadStopMs;
    const stopped = await untilAborted(workloads.stopAll().then(() => true), AbortSignal.timeout(stopMs)).catch(() => false);
    if (!stopped) emit('workload.stop-timeout', { error: `workloads did not stop within ${formatDuration(stopMs)}; reverting the faults anyway` });
    await injections.revertAll();
    record.workloads = workloads.summaries();
    samples.flush();
  }
  return finish(record, report);
}

async function finish(record: RunRecord, report: Reporter): Promise<RunRecord> {
  record.endedAt = Date.now();
  record.durationMs = record.endedAt - record.startedAt;
  await report.onRunEnd?.(record);
  return record;
}
