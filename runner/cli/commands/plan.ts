import type { Command } from 'commander';
import type { Catalog } from '../../core/catalog.js';
import { collect, paramOption } from '../params-option.js';

export function planCommand(program: Command, catalog: Catalog): void {
  program
    .command('plan')
    .description('print every action a run would take on a stand; touches nothing')
    .argument('<scenario>', 'scenario file')
    .requiredOption('--stand <name|file>', 'stand name or stand file')
    .option(...paramOption, collect, [])
    .action(async (file: string, opts: { stand: string; param: string[] }) => {
      // loaded when the command runs (see cli/main.ts)
      const [{ scenarioInputs }, { loadScenarios }, { resolveStand }, { planText }] = await Promise.all([
        import('../scenario-inputs.js'),
        import('../../scenario/load.js'),
        import('../../stands/resolve.js'),
        import('../plan-text.js'),
      ]);
      const { settings, load } = await scenarioInputs(opts.stand, opts.param, catalog);
      const [scenario] = await loadScenarios([file], catalog, load);
      const stand = await resolveStand(opts.stand, catalog, AbortSignal.timeout(30_000));
      try {
        process.stdout.write(planText(scenario!, stand, catalog, settings) + '\n');
      } finally {
        await stand.close();
      }
    });
}
