import { deadline } from '../../core/abort.js';
import type { Command } from 'commander';
import { loadScenarios } from '../../scenario/load.js';
import { resolveStand } from '../../stands/index.js';
import { runSweep } from '../../engine/sweep.js';
import { abortOnSignals } from '../interrupt.js';
import { reportersFor } from '../reporters.js';
import type { Stand } from '../../core/contracts.js';
import { FaultlineError } from '../../core/errors.js';

interface RunOpts {
  stand: string[];
  repeat?: string;
  results: string;
  json: boolean;
  yes: boolean;
  seed?: string;
  set: string[];
}

const collect = (v: string, acc: string[]) => [...acc, v];

/** `--set upload.size=3.1GiB` pairs */
export function parseSets(sets: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new FaultlineError('invalid-set', `--set ${s}: expected <workload>.<field>=<value>`, { exitCode: 2 });
    out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

export function runCommand(program: Command): void {
  program
    .command('run')
    .description('run scenarios on stands; writes results/<run-id>/ and exits non-zero unless every gate passed')
    .argument('<paths...>', 'scenario files or directories')
    .requiredOption('--stand <name|file>', 'stand to run on (repeat for a matrix of stands)', collect, [])
    .option('--repeat <n>', 'iterations per scenario and stand (overrides spec.repeat)')
    .option('--results <dir>', 'where run folders go', 'results')
    .option('--json', 'print the matrix and records as JSON on stdout', false)
    .option('--yes', 'allow destructive scenarios on protected stands', false)
    .option('--seed <n>', 'seed for random choices (recorded in the results)')
    .option('--set <workload.field=value>', 'override a workload field, e.g. --set upload.size=3.1GiB (repeatable)', collect, [])
    .action(async (paths: string[], opts: RunOpts) => {
      const scenarios = await loadScenarios(paths, parseSets(opts.set));
      const repeat = opts.repeat === undefined ? undefined : Number(opts.repeat);
      if (repeat !== undefined && !(Number.isInteger(repeat) && repeat > 0)) {
        throw new FaultlineError('invalid-repeat', '--repeat takes a positive whole number', { exitCode: 2 });
      }
      const interrupt = abortOnSignals((l) => process.stderr.write(l + '\n'));
      const stands: Stand[] = [];
      try {
        for (const ref of opts.stand) stands.push(await resolveStand(ref, deadline(interrupt.signal, 60_000)));
        const result = await runSweep({
          scenarios,
          stands,
          repeat,
          resultsRoot: opts.results,
          seed: opts.seed === undefined ? undefined : Number(opts.seed),
          yes: opts.yes,
          signal: interrupt.signal,
          reporter: reportersFor,
          log: (l) => process.stderr.write(l + '\n'),
        });
        if (opts.json) process.stdout.write(JSON.stringify({ runId: result.runId, resultsDir: result.resultsDir, exitCode: result.exitCode, matrix: result.matrix, records: result.records }, null, 2) + '\n');
        process.exitCode = result.exitCode;
      } finally {
        interrupt.dispose();
        await Promise.all(stands.map((s) => s.close()));
      }
    });
}
