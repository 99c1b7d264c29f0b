/**
 * Benchmark (a script, not a test): `faultline merge` of a month of nightly sweeps.
 * Writes `--nights` run folders of `--scenarios` x 3 iterations with records shaped like
 * real ones (8 gates with evaluations, 120 timeline events, 200 progress samples), then
 * times reading + merging + comparing with a baseline + writing every output, and prints
 * the sizes of report.html and matrix.json and the peak RSS.
 * Usage: node dist/bench/report-merge.js [--nights 30 --scenarios 40]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { combine, mergedMatrix } from '../runner/report/combine.js';
import { writeResultsFolder } from '../runner/report/files.js';
import { formatSize } from '../runner/core/units.js';
import type { GateResult, RunRecord } from '../runner/report/record.js';

const { values: args } = parseArgs({ options: { nights: { type: 'string', default: '30' }, scenarios: { type: 'string', default: '40' } } });
const nights = Number(args.nights);
const scenarios = Number(args.scenarios);
const log = (line: string) => process.stdout.write(line + '\n');

function recordOf(night: number, sc: number, iteration: number): RunRecord {
  const t0 = Date.UTC(2026, 10, 1 + night, 2, 17) + sc * 600_000 + iteration * 120_000;
  const fail = (sc * 7 + night + iteration) % 23 === 0;
  const gates: GateResult[] = Array.from({ length: 8 }, (_, g) => ({
    step: g,
    name: `gate ${g} of scenario ${sc}`,
    probe: 's3.scratch',
    verdict: fail && g === 5 ? 'fail' : 'pass',
    value: `passed after ${(1 + g) * 1.1} s (bound 30 s): 8 steps ok in 40 ms`,
    elapsedMs: (1 + g) * 1100 + night * 10,
    boundMs: 30_000,
    startedAt: t0 + g * 8_000,
    endedAt: t0 + g * 8_000 + (1 + g) * 1100,
    evaluations: Array.from({ length: 10 }, (_, i) => [t0 + g * 8_000 + i * 500, i === 9 ? 'pass' : 'fail']),
  }));
  return {
    schema: 'faultline/run-record/v1',
    runId: `2026-11-${String(1 + night).padStart(2, '0')}T02-17-00Z-nightly`,
    scenario: { name: `scenario-${String(sc).padStart(3, '0')}`, file: `scenarios/s${sc}.yaml` },
    stand: { name: 'big', driver: 'ssh' },
    iteration,
    repeat: 3,
    seed: night * 1000 + iteration,
    host: `runner-${sc % 4}`,
    status: fail ? 'fail' : 'pass',
    startedAt: t0,
    endedAt: t0 + 70_000,
    durationMs: 70_000,
    gates,
    faults: [{ step: 2, id: 'cut', kind: 'node.powerOff', description: 'power off node4', injectedAt: t0 + 10_000, revertedAt: t0 + 40_000 }],
    workloads: { upload: { kind: 's3.upload', state: 'completed', progress: 1 } },
    timeline: Array.from({ length: 120 }, (_, i) => ({ type: 'step', at: t0 + i * 500, step: i, title: `step ${i}` })),
    progress: { upload: Array.from({ length: 200 }, (_, i) => [t0 + i * 250, i / 199]) },
  };
}

const root = await mkdtemp(join(tmpdir(), 'faultline-bench-merge-'));
try {
  const folders: string[] = [];
  for (let n = 0; n < nights; n++) {
    const records = Array.from({ length: scenarios }, (_, sc) => [1, 2, 3].map((i) => recordOf(n, sc, i))).flat();
    const dir = join(root, records[0]!.runId);
    await writeResultsFolder(dir, mergedMatrix(records), records, (r) => `runs/${r.scenario.name}--${r.stand.name}--${r.iteration}.json`);
    folders.push(dir);
  }
  const total = nights * scenarios * 3;
  log(`merge bench: ${nights} nights x ${scenarios} scenarios x 3 iterations = ${total} records`);
  const t0 = performance.now();
  const out = join(root, 'merged');
  const result = await combine({ inputs: folders.slice(1), baseline: folders.slice(0, 1), out, copyRecords: true });
  const ms = performance.now() - t0;
  const size = async (f: string) => formatSize((await stat(join(out, f))).size);
  log(`  read + merge + compare + write all outputs: ${(ms / 1000).toFixed(1)} s (${(ms / result.records.length).toFixed(2)} ms/record)`);
  log(`  report.html ${await size('report.html')}, matrix.json ${await size('matrix.json')}, junit.xml ${await size('junit.xml')}, summary.md ${await size('summary.md')}`);
  log(`  peak RSS ${formatSize(process.resourceUsage().maxRSS * 1024)}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
