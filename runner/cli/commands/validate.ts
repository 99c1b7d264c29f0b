import type { Command } from 'commander';
import type { Catalog } from '../../core/catalog.js';
import { collect, paramOption } from '../params-option.js';

export function validateCommand(program: Command, catalog: Catalog): void {
  program
    .command('validate')
    .description('check scenario files (schema and rules) without running anything')
    .argument('<paths...>', 'scenario files or directories')
    .option('--stand <name|file>', "also check against this stand: its params, its limits, each scenario's required capabilities")
    .option(...paramOption, collect, [])
    .action(async (paths: string[], opts: { stand?: string; param: string[] }) => {
      // loaded when the command runs (see cli/main.ts); the stand and the engine only with --stand
      const [{ scenarioInputs }, { loadScenarios }] = await Promise.all([import('../scenario-inputs.js'), import('../../scenario/load.js')]);
      const { load } = await scenarioInputs(opts.stand, opts.param, catalog);
      const scenarios = await loadScenarios(paths, catalog, load);
      const check = opts.stand ? await standCheck(opts.stand, catalog) : undefined;
      for (const s of scenarios) {
        const missing = check?.missing(s) ?? [];
        const note = missing.length ? ` (would be skipped on ${check!.stand.name}: lacks ${missing.join(', ')})` : '';
        process.stdout.write(`ok ${s.file} ${s.name}: ${s.steps.length} steps, requires ${s.requires.join(', ') || 'nothing'}${note}\n`);
      }
      await check?.stand.close();
      process.stdout.write(`${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'} valid\n`);
    });
}

async function standCheck(ref: string, catalog: Catalog) {
  const [{ resolveStand }, { missingCapabilities }] = await Promise.all([import('../../stands/resolve.js'), import('../../engine/run.js')]);
  const stand = await resolveStand(ref, catalog, AbortSignal.timeout(30_000));
  return { stand, missing: (s: Parameters<typeof missingCapabilities>[0]) => missingCapabilities(s, stand) };
}
