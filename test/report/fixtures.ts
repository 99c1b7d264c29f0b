/** Hand-built records for the report tests. */
import type { GateResult, RunRecord } from '../../runner/report/record.js';

export const t0 = Date.UTC(2025, 4, 11, 10, 0, 0);

export function gate(over: Partial<GateResult> = {}): GateResult {
  return {
    step: 3,
    name: 'new upload works within 30s',
    probe: 's3.scratch',
    verdict: 'pass',
    value: 'recovered in 23.4 s (bound 30 s)',
    elapsedMs: 23_400,
    boundMs: 30_000,
    ...over,
  };
}

export function record(over: Partial<RunRecord> & { scenarioName?: string; standName?: string } = {}): RunRecord {
  const { scenarioName = 'power-off-mid-upload', standName = 'local', ...rest } = over;
  return {
    schema: 'faultline/run-record/v1',
    runId: '2025-05-11T10-00-00Z-abcd',
    scenario: { name: scenarioName, file: `scenarios/${scenarioName}.yaml`, description: 'one node loses power at 45% of an upload' },
    stand: { name: standName, driver: 'local' },
    iteration: 1,
    repeat: 3,
    seed: 42,
    status: 'pass',
    startedAt: t0,
    endedAt: t0 + 83_400,
    durationMs: 83_400,
    gates: [gate()],
    faults: [
      { step: 1, id: 'node.powerOff', kind: 'node.powerOff', description: 'power off node4', injectedAt: t0 + 10_000, revertedAt: t0 + 60_000 },
    ],
    workloads: { upload: { state: 'completed', bytes: 1024 } },
    timeline: [
      { type: 'fault.inject', at: t0 + 10_000, kind: 'node.powerOff', description: 'power off node4' },
      { type: 'fault.revert', at: t0 + 60_000, kind: 'node.powerOff', description: 'power off node4' },
    ],
    ...rest,
  };
}

/** The failing gate of the example in the brief. */
export const failedGate = gate({ verdict: 'fail', value: 'no success after 30.0 s (bound 30 s)', elapsedMs: 30_000, observation: 'PutObject: 503 SlowDown' });

/** A sweep: one scenario 3/3 pass, one 2/3 flaky on local, skipped on kwok. */
export function sweep(): RunRecord[] {
  return [
    record({ scenarioName: 'deep-check', iteration: 1 }),
    record({ scenarioName: 'deep-check', iteration: 2 }),
    record({ scenarioName: 'deep-check', iteration: 3 }),
    record({ iteration: 1 }),
    record({ iteration: 2, status: 'fail', reason: 'gate failed', gates: [gate({ name: 'healthy before', probe: 's3.deepCheck', value: '4 keys readable', boundMs: undefined }), failedGate] }),
    record({ iteration: 3 }),
    ...[1, 2, 3].map((iteration) =>
      record({ standName: 'kwok', iteration, status: 'skipped', reason: 'stand kwok lacks s3', gates: [], faults: [], timeline: [], workloads: {}, endedAt: t0, durationMs: 0 }),
    ),
  ];
}
