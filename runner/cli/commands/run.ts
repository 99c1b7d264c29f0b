import { deadline } from '../../core/abort.js';
import type { Command } from 'commander';
import { loadScenarios } from '../../scenario/load.js';
import { resolveStand } from '../../stands/resolve.js';
import type { Catalog } from '../../core/catalog.js';
import { runSweep } from '../../engine/sweep.js';
import { abortOnSignals } from '../interrupt.js';
import { reportersFor } from '../reporters.js';
import type { Stand } from '../../core/contracts.js';
import { ExitCode, FaultlineError } from '../../core/errors.js';
import type { Scenario } from '../../scenario/types.js';
import { collect, paramOption, scenarioInputs } from '../scenario-inputs.js';

interface RunOpts {
  stand: string[];
  repeat?: string;
  results: string;
  json: boolean;
  yes: boolean;
  seed?: string;
  param: string[];
}

export function runCommand(program: Command, catalog: Catalog): void {
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
    .option(...paramOption, collect, [])
    .action(async (paths: string[], opts: RunOpts) => {
      // each stand file sets its own params and limits: the scenarios are loaded once per stand
      const perRef: Scenario[][] = [];
      for (const ref of opts.stand) perRef.push(await loadScenarios(paths, catalog, (await scenarioInputs(ref, opts.param, catalog)).load));
      const scenarios = perRef[0]!;
      const repeat = opts.repeat === undefined ? undefined : Number(opts.repeat);
      if (repeat !== undefined && !(Number.isInteger(repeat) && repeat > 0)) {
        throw new FaultlineError('invalid-repeat', '--repeat takes a positive whole number', { exitCode: ExitCode.invalidInput });
      }
      const interrupt = abortOnSignals((l) => process.stderr.write(l + '\n'));
      const stands: Stand[] = [];
      try {
        for (const ref of opts.stand) stands.push(await resolveStand(ref, catalog, deadline(interrupt.signal, 60_000)));
        const result = await runSweep({
          catalog,
          scenarios,
          stands,
          scenariosByStand: new Map(stands.map((s, i) => [s, perRef[i]!])),
          repeat,
          resultsRoot: opts.results,
          seed: opts.seed === undefined ? undefined : Number(opts.seed),
          yes: opts.yes,
          signal: interrupt.signal,
          reporter: reportersFor,
        });
        if (opts.json) process.stdout.write(JSON.stringify({ runId: result.runId, resultsDir: result.resultsDir, exitCode: result.exitCode, matrix: result.matrix, records: result.records }, null, 2) + '\n');
        process.exitCode = result.exitCode;
      } finally {
        interrupt.dispose();
        await Promise.all(stands.map((s) => s.close()));
      }
    });
}
