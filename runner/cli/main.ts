/** faultline's command line. handleError is the only place that decides the exit code of a failure. */
import { Command } from 'commander';
import type { Catalog } from '../core/catalog.js';
import { defaultCatalog } from '../catalog.js';
import { handleError } from './handle-error.js';
import { validateCommand } from './commands/validate.js';
import { planCommand } from './commands/plan.js';
import { runCommand } from './commands/run.js';
import { standCommand } from './commands/stand.js';
import { recoverCommand } from './commands/recover.js';
import { reportCommand } from './commands/report.js';

export function buildProgram(catalog: Catalog = defaultCatalog()): Command {
  const program = new Command('faultline')
    .description('chaos and release-gate test runner for storage stacks')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  for (const add of [validateCommand, planCommand, runCommand, reportCommand, standCommand, recoverCommand]) add(program, catalog);
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.exitCode = handleError(err);
  }
  // SDK keep-alive sockets and watches must not hold the process open; flush output first.
  await Promise.all([process.stdout, process.stderr].map((out) => new Promise<void>((resolve) => out.write('', () => resolve()))));
  process.exit(process.exitCode ?? 0);
}
