import type { Command } from 'commander';
import type { Catalog } from '../../core/catalog.js';

export function recoverCommand(program: Command, catalog: Catalog): void {
  program
    .command('recover')
    .description('revert the faults of runs that did not finish (e.g. after SIGKILL): from their journals, or with --stand from everything this machine and the stand know')
    .option('--results <dir>', 'results directory to scan', 'results')
    .option('--stand <name|file>', 'heal this stand: journals of dead runs on it (wherever --results pointed) and, on Kubernetes, the undo notes on its objects')
    .option('--force', 'also revert runs whose process still seems alive', false)
    .action(async (opts: { results: string; stand?: string; force: boolean }) => {
      // loaded when the command runs (see cli/main.ts)
      const [{ recover }, { recoverStand }, { abortOnSignals }, { resolveStand }] = await Promise.all([
        import('../../engine/recover.js'),
        import('../../engine/recover-stand.js'),
        import('../interrupt.js'),
        import('../../stands/resolve.js'),
      ]);
      const interrupt = abortOnSignals((l) => process.stderr.write(l + '\n'));
      const log = (l: string) => process.stdout.write(l + '\n');
      try {
        const tools = { faults: catalog.faults, openStand: (ref: string, signal: AbortSignal) => resolveStand(ref, catalog, signal) };
        process.exitCode = opts.stand
          ? await recoverStand({ tools, stand: opts.stand, resultsRoot: opts.results, force: opts.force, signal: interrupt.signal, log })
          : await recover({ tools, resultsRoot: opts.results, force: opts.force, signal: interrupt.signal, log });
      } finally {
        interrupt.dispose();
      }
    });
}
