import type { Command } from 'commander';
import { recover } from '../../engine/recover.js';
import { abortOnSignals } from '../interrupt.js';
import type { Catalog } from '../../core/catalog.js';
import { resolveStand } from '../../stands/resolve.js';

export function recoverCommand(program: Command, catalog: Catalog): void {
  program
    .command('recover')
    .description('revert the faults of runs that did not finish (e.g. after SIGKILL), from their journals')
    .option('--results <dir>', 'results directory to scan', 'results')
    .option('--force', 'also revert runs whose process still seems alive', false)
    .action(async (opts: { results: string; force: boolean }) => {
      const interrupt = abortOnSignals((l) => process.stderr.write(l + '\n'));
      try {
        process.exitCode = await recover({
          catalog,
          openStand: (ref, signal) => resolveStand(ref, catalog, signal),
          resultsRoot: opts.results, force: opts.force, signal: interrupt.signal, log: (l) => process.stdout.write(l + '\n') });
      } finally {
        interrupt.dispose();
      }
    });
}
