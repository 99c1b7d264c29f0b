import type { Command } from 'commander';
import type { Catalog } from '../../core/catalog.js';
import type { StandIO, StandKind } from '../../core/stand-kind.js';
import { ExitCode, FaultlineError } from '../../core/errors.js';
import { embeddedNames, standKindOf } from '../../stands/resolve.js';
import { checkOptions, optionFlags } from '../../stands/options.js';

const standTimeoutMs = 45 * 60_000;

interface Target {
  kind: StandKind;
  instance: string;
  /** a stand file's spec.options */
  fileOptions?: Record<string, unknown>;
  file?: string;
}

/** `local`, `local-seaweedfs`, or a stand file whose spec.embedded names one. */
async function targetOf(ref: string, catalog: Catalog): Promise<Target> {
  // loaded when the command runs (see cli/main.ts)
  const { loadStandFile, standFilePath } = await import('../../stands/stand-file.js');
  const file = standFilePath(ref);
  const spec = file ? (await loadStandFile(file, catalog)).spec : undefined;
  const instance = file ? spec?.embedded : ref;
  const kind = instance ? standKindOf(instance, catalog) : undefined;
  if (!kind || !instance) {
    throw new FaultlineError('stand-unknown', file ? `${file} is not an embedded stand (no spec.embedded)` : `no embedded stand "${ref}"`, {
      exitCode: ExitCode.invalidInput,
      hint: `embedded stands: ${embeddedNames(catalog)}, or a stand file with spec.embedded`,
    });
  }
  return { kind, instance, file, fileOptions: spec?.options };
}

async function withIO(fn: (io: StandIO) => Promise<void>): Promise<void> {
  const [{ deadline }, { abortOnSignals }] = await Promise.all([import('../../core/abort.js'), import('../interrupt.js')]);
  const interrupt = abortOnSignals((l) => process.stderr.write(l + '\n'));
  try {
    await fn({ signal: deadline(interrupt.signal, standTimeoutMs), log: (l) => process.stderr.write(l + '\n') });
  } finally {
    interrupt.dispose();
  }
}

export function standCommand(program: Command, catalog: Catalog): void {
  const names = embeddedNames(catalog);
  const stand = program.command('stand').description(`bring the embedded stands up and down (${names})`);
  const up = stand
    .command('up')
    .description('build what is missing, start the stand, wait until healthy, print how to reach it')
    .argument('<name|file>', `${names}, or a stand file with spec.embedded (its spec.options apply; flags win)`);
  const flags = optionFlags(catalog.stands.values());
  for (const f of flags) up.option(f.flags, f.description);
  up.action(async (ref: string, given: Record<string, unknown>) => {
    const t = await targetOf(ref, catalog);
    const fromFile = t.fileOptions ? checkOptions(t.kind, t.fileOptions, t.file!) : {};
    const options = checkOptions(t.kind, { ...fromFile, ...given }, 'flags');
    await withIO((io) => t.kind.up(t.instance, options, io));
  });
  stand
    .command('down')
    .description('remove every process, namespace, mount, rule and file the stand made')
    .argument('<name|file>', names)
    .action(async (ref: string) => {
      const t = await targetOf(ref, catalog);
      await withIO((io) => t.kind.down(t.instance, io));
    });
  stand
    .command('status')
    .description('show components, nodes and health')
    .argument('<name|file>', names)
    .action(async (ref: string) => {
      const t = await targetOf(ref, catalog);
      await withIO(async (io) => {
        const st = await t.kind.status(t.instance, io);
        process.stdout.write(`${t.instance}: ${st.up ? 'up' : 'down'}\n${st.lines.map((l) => `  ${l}`).join('\n')}\n`);
        if (!st.up) process.exitCode = ExitCode.gateFailed;
      });
    });
}
