/** The one place that turns an error into output and an exit code. */
import chalk from 'chalk';
import { CommanderError } from 'commander';
import { ExitCode, FaultlineError, InvalidInputError, messageOf } from '../core/errors.js';

function causes(err: unknown): string[] {
  const out: string[] = [];
  let c = err instanceof Error ? err.cause : undefined;
  for (let depth = 0; c !== undefined && depth < 8; depth++) {
    out.push(messageOf(c));
    c = c instanceof Error ? c.cause : undefined;
  }
  return out;
}

/** Prints `error[code]: message`, the hint and the cause chain; returns the exit code. */
export function handleError(err: unknown, write: (s: string) => void = (s) => process.stderr.write(s)): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput;
  const fe = err instanceof FaultlineError ? err : undefined;
  const code = fe?.code ?? 'internal';
  const lines = [`${chalk.red.bold(`error[${code}]`)}: ${messageOf(err)}`];
  if (fe?.hint) lines.push(`  ${chalk.cyan('hint')}: ${fe.hint}`);
  for (const c of causes(err)) lines.push(`  ${chalk.dim('caused by')}: ${c.split('\n').join('\n    ')}`);
  if (!fe && process.env.FAULTLINE_DEBUG && err instanceof Error && err.stack) lines.push(chalk.dim(err.stack));
  if (!fe) lines.push(`  ${chalk.cyan('hint')}: this is a faultline bug or an unexpected environment; FAULTLINE_DEBUG=1 shows the stack`);
  write(lines.join('\n') + '\n');
  if (err instanceof InvalidInputError) return ExitCode.invalidInput;
  return fe?.exitCode ?? ExitCode.runnerError;
}
