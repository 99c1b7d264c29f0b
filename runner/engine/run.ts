/** One run: a scenario on a stand, one iteration. Always reverts, always leaves a record. */
import { dirname, resolve } from 'node:path';
import { execa } from 'execa';
import type { Context, Stand } from '../core/contracts.js';
import { deadline, sleep } from '../core/abort.js';
import { FaultlineError, UnsupportedError, messageOf } from '../core/errors.js';
import { outputTail, standEnv } from '../core/stand-env.js';
import { formatDuration } from '../core/units.js';
import { probes } from '../probes/index.js';
import type { FaultResult, Reporter, RunRecord } from '../report/record.js';
import type { Scenario, Step } from '../scenario/types.js';
import { evaluateGate } from './gate.js';
import { Injections } from './injections.js';
import type { Journal } from './journal.js';
import { describeTrigger, waitForTrigger } from './trigger.js';
import { WorkloadSet } from './workload-set.js';

export interface RunOptions {
  runId: string;
  iteration: number;
  seed: number;
  /** the sweep's signal: Ctrl-C / SIGTERM */
  signal: AbortSignal;
  journal: Journal;
  reporter: Reporter;
}

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

  const signal = deadline(opts.signal, scenario.timeoutMs);
  const workloads = new WorkloadSet();
  const emit = (type: string, data: Record<string, unknown> = {}) => {
    const event = { type, at: Date.now(), ...data };
    record.timeline.push(event);
    void report.onEvent?.(record, event);
  };
  const ctx: Context = { signal, stand, emit, workloads, seed: opts.seed, runId: opts.runId, scenarioDir: dirname(resolve(scenario.file)) };
  const injections = new Injections(opts.journal, runKey(scenario, stand, opts.iteration), ctx);
  const stepEnds = new Map<string, number>();
  let current: Step | undefined;

  const runStep = async (step: Step): Promise<void> => {
    switch (step.type) {
      case 'gate': {
        const probe = probes.get(step.gate.probe)!;
        const since = step.gate.since ? stepEnds.get(step.gate.since) : undefined;
        const gate = await evaluateGate({
          step: step.index,
          plan: step.gate,
          probe,
          ctx,
          startedAt: since ?? Date.now(),
          progress: (f, detail) => void report.onProgress?.(record, step.title, f, detail),
        });
        record.gates.push(gate);
        emit('gate', { name: gate.name, verdict: gate.verdict, value: gate.value });
        await report.onGate?.(record, gate);
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
        return;
      }
      case 'revert':
        await injections.revert(step.target);
        return;
      case 'wait':
        await sleep(step.ms, signal);
        return;
      case 'action': {
        const r = await execa(step.run, {
          shell: true,
          cancelSignal: deadline(signal, step.timeoutMs),
          env: standEnv(stand, ctx.scenarioDir),
          reject: false,
          all: true,
          stdin: 'ignore',
        });
        const tail = outputTail(String(r.all ?? ''), stand);
        emit('action', { name: step.name, exitCode: r.exitCode ?? null, output: tail });
        if (r.isCanceled && !signal.aborted) throw new FaultlineError('action-timeout', `action "${step.name}" did not finish within ${formatDuration(step.timeoutMs)}`);
        if (r.exitCode !== step.exit) {
          throw new FaultlineError('action-failed', `action "${step.name}" exited ${r.exitCode ?? r.signal ?? '?'} (expected ${step.exit})${tail ? `: ${tail}` : ''}`);
        }
        return;
      }
    }
  };

  try {
    workloads.start(scenario.workloads, ctx, (name, f) => void report.onProgress?.(record, name, f, `${Math.round(f * 100)}%`));
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
      if (opts.signal.aborted) {
        record.status = 'interrupted';
        record.reason = `interrupted during ${where}`;
      } else if (signal.aborted) {
        record.status = 'fail';
        record.reason = `scenario timeout ${formatDuration(scenario.timeoutMs)} hit during ${where}`;
      } else if (err instanceof UnsupportedError) {
        record.status = 'skipped';
        record.reason = `${where}: ${err.message}`;
      } else {
        record.status = 'error';
        record.reason = `${where}: ${messageOf(err)}`;
      }
      emit('run.stopped', { reason: record.reason });
    }
  } finally {
    await workloads.stopAll();
    await injections.revertAll();
    record.workloads = workloads.summaries();
  }
  return finish(record, report);
}

async function finish(record: RunRecord, report: Reporter): Promise<RunRecord> {
  record.endedAt = Date.now();
  record.durationMs = record.endedAt - record.startedAt;
  await report.onRunEnd?.(record);
  return record;
}
