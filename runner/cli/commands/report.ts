import type { Command } from 'commander';
import { ExitCode, FaultlineError } from '../../core/errors.js';
import { defaultRatio } from '../../report/baseline.js';

interface ReportOpts {
  out: string;
  baseline: string[];
  failOn: string[];
  ratio: string;
  upload?: string;
}

const collect = (v: string, acc: string[]) => [...acc, v];

/** `faultline report` (summary files) and `faultline merge` (a whole results folder): same inputs, same options. */
export function reportCommand(program: Command): void {
  for (const [name, copyRecords, description] of [
    ['report', false, 'merge the runs of results folders (any sweeps, shards, machines) into one matrix; writes summary.md, junit.xml, report.html and matrix.json to --out'],
    ['merge', true, 'join results folders from many machines into one results folder (every record under runs/, plus the summary files); it can serve as a later --baseline'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument('<results...>', 'results folders: a run folder, a merged folder, or a folder of run folders (e.g. results/)')
      .requiredOption('--out <dir>', 'where to write')
      .option('--baseline <results>', 'compare with these results: regressions, fixes, new flakes, slower recovery (repeatable)', collect, [])
      .option('--fail-on <kinds>', 'exit 1 on: regression, new-flake, slower (need --baseline), not-green (comma-separated or repeated)', collect, [])
      .option('--ratio <x>', 'a within-gate whose median time to pass grew by more than this factor (and by >= 1 s) is slower recovery', String(defaultRatio))
      .option('--upload <s3://bucket/prefix>', 'also copy the written folder to S3 under <prefix>/<out folder name>/ (AWS_ENDPOINT_URL_S3, AWS_REGION, AWS SDK credentials)')
      .action(async (inputs: string[], opts: ReportOpts) => {
        // loaded when the command runs (see cli/main.ts)
        const [{ checkFailOn, comparisonLine, failReasons, parseFailOn }, { combine }, { matrixGreen, renderMatrixText }, { parseS3Url, uploadBase, uploadFolder }, { abortOnSignals }] = await Promise.all([
          import('../../report/baseline.js'),
          import('../../report/combine.js'),
          import('../../report/matrix.js'),
          import('../../report/upload.js'),
          import('../interrupt.js'),
        ]);
        const failOn = parseFailOn(opts.failOn);
        const ratio = Number(opts.ratio);
        if (!(ratio >= 1)) throw new FaultlineError('invalid-ratio', `--ratio ${opts.ratio}: expected a number >= 1, e.g. 1.5`, { exitCode: ExitCode.invalidInput });
        const upload = opts.upload === undefined ? undefined : parseS3Url(opts.upload);
        checkFailOn(failOn, opts.baseline.length > 0);
        const result = await combine({ inputs, out: opts.out, baseline: opts.baseline, ratio, copyRecords });
        const lines = [
          renderMatrixText(result.matrix),
          `${matrixGreen(result.matrix) ? 'GREEN' : 'NOT GREEN'} — ${result.records.length} runs from ${result.folders.length} results folder${result.folders.length === 1 ? '' : 's'}`,
        ];
        if (result.comparison) lines.push(`baseline ${comparisonLine(result.comparison)}`);
        lines.push(`written to ${opts.out}`);
        process.stdout.write(lines.join('\n') + '\n');
        if (upload) {
          const interrupt = abortOnSignals((l) => process.stderr.write(l + '\n'));
          try {
            const keys = await uploadFolder(opts.out, upload, interrupt.signal);
            process.stdout.write(`uploaded ${keys.length} files to s3://${upload.bucket}/${uploadBase(opts.out, upload)}/\n`);
          } finally {
            interrupt.dispose();
          }
        }
        const reasons = failReasons(failOn, matrixGreen(result.matrix), result.comparison);
        if (reasons.length) {
          process.stderr.write(`failing (--fail-on ${failOn.join(',')}): ${reasons.join(', ')}\n`);
          process.exitCode = ExitCode.gateFailed;
        }
      });
  }
}
