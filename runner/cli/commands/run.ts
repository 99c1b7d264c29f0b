import type { Command } from 'commander';
import type { Catalog } from '../../core/catalog.js';
import type { Stand } from '../../core/contracts.js';
import { ExitCode, FaultlineError } from '../../core/errors.js';
import type { Scenario } from '../../scenario/types.js';
import { collect, paramOption } from '../params-option.js';

interface RunOpts {
  stand: string[];
  repeat?: string;
  results: string;
  json: boolean;
  yes: boolean;
  seed?: string;
  param: string[];
  shard?: string;
  runId?: string;
  upload?: string;
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
    .option('--shard <i/n>', 'run only part i of n of the plan (scenario x stand x iteration), the same part on every machine')
    .option('--run-id <id>', 'sweep id (default: a new one); give the shards of one sweep the same id')
    .option('--upload <s3://bucket/prefix>', 'after the sweep, copy the run folder to S3 under <prefix>/<folder name>/ (AWS_ENDPOINT_URL_S3, AWS_REGION, AWS SDK credentials)')
    .action(async (paths: string[], opts: RunOpts) => {
      // loaded when the command runs (see cli/main.ts)
      const [{ deadline }, { loadScenarios }, { resolveStand }, { runSweep }, { abortOnSignals }, { reportersFor }, { scenarioInputs }, { parseShard }, { safeSegment }, { parseS3Url, uploadBase, uploadFolder }] =
        await Promise.all([
          import('../../core/abort.js'),
          import('../../scenario/load.js'),
          import('../../stands/resolve.js'),
          import('../../engine/sweep.js'),
          import('../interrupt.js'),
          import('../reporters.js'),
          import('../scenario-inputs.js'),
          import('../../engine/shard.js'),
          import('../../report/format.js'),
          import('../../report/upload.js'),
        ]);
      // each stand file sets its own params and limits: the scenarios are loaded once per stand
      const perRef: Scenario[][] = [];
      for (const ref of opts.stand) perRef.push(await loadScenarios(paths, catalog, (await scenarioInputs(ref, opts.param, catalog)).load));
      const scenarios = perRef[0]!;
      const repeat = opts.repeat === undefined ? undefined : Number(opts.repeat);
      if (repeat !== undefined && !(Number.isInteger(repeat) && repeat > 0)) {
        throw new FaultlineError('invalid-repeat', '--repeat takes a positive whole number', { exitCode: ExitCode.invalidInput });
      }
      const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
      if (opts.runId !== undefined && (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(opts.runId) || safeSegment(opts.runId) !== opts.runId)) {
        throw new FaultlineError('invalid-run-id', `--run-id ${opts.runId}: letters, digits, ".", "_" and "-" only (it names a folder)`, { exitCode: ExitCode.invalidInput });
      }
      const upload = opts.upload === undefined ? undefined : parseS3Url(opts.upload);
      const interrupt = abortOnSignals((l) => process.stderr.write(l + '\n'));
      const stands: Stand[] = [];
      try {
        for (const ref of opts.stand) stands.push(await resolveStand(ref, catalog, deadline(interrupt.signal, 60_000)));
        const result = await runSweep({
          catalog,
          openStand: (ref, signal) => resolveStand(ref, catalog, signal),
          scenarios,
          stands,
          scenariosByStand: new Map(stands.map((s, i) => [s, perRef[i]!])),
          repeat,
          resultsRoot: opts.results,
          seed: opts.seed === undefined ? undefined : Number(opts.seed),
          yes: opts.yes,
          signal: interrupt.signal,
          reporter: reportersFor,
          runId: opts.runId,
          shard,
          log: (l) => process.stderr.write(l + '\n'),
        });
        if (opts.json) process.stdout.write(JSON.stringify({ runId: result.runId, resultsDir: result.resultsDir, exitCode: result.exitCode, matrix: result.matrix, records: result.records }, null, 2) + '\n');
        process.exitCode = result.exitCode;
        if (upload) {
          // an interrupted sweep's results are worth keeping too: then a short bound of its own, as the run's signal has fired
          const bound = interrupt.signal.aborted ? AbortSignal.timeout(60_000) : deadline(interrupt.signal, 15 * 60_000);
          const keys = await uploadFolder(result.resultsDir, upload, bound);
          process.stderr.write(`uploaded ${keys.length} files to s3://${upload.bucket}/${uploadBase(result.resultsDir, upload)}/\n`);
        }
      } finally {
        interrupt.dispose();
        await Promise.all(stands.map((s) => s.close()));
      }
    });
}
