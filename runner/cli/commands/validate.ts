import type { Command } from 'commander';
import { loadScenarios } from '../../scenario/load.js';
import { resolveStand } from '../../stands/resolve.js';
import type { Catalog } from '../../core/catalog.js';
import { missingCapabilities } from '../../engine/run.js';
import { collect, paramOption, scenarioInputs } from '../scenario-inputs.js';

export function validateCommand(program: Command, catalog: Catalog): void {
  program
    .command('validate')
    .description('check scenario files (schema and rules) without running anything')
    .argument('<paths...>', 'scenario files or directories')
    .option('--stand <name|file>', "also check against this stand: its params, its limits, each scenario's required capabilities")
    .option(...paramOption, collect, [])
    .action(async (paths: string[], opts: { stand?: string; param: string[] }) => {
      const { load } = await scenarioInputs(opts.stand, opts.param, catalog);
      const scenarios = await loadScenarios(paths, catalog, load);
      const stand = opts.stand ? await resolveStand(opts.stand, catalog, AbortSignal.timeout(30_000)) : undefined;
      for (const s of scenarios) {
        const missing = stand ? missingCapabilities(s, stand) : [];
        const note = missing.length ? ` (would be skipped on ${stand!.name}: lacks ${missing.join(', ')})` : '';
        process.stdout.write(`ok ${s.file} ${s.name}: ${s.steps.length} steps, requires ${s.requires.join(', ') || 'nothing'}${note}\n`);
      }
      await stand?.close();
      process.stdout.write(`${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'} valid\n`);
    });
}
