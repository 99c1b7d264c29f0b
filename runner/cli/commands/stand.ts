import { deadline } from '../../core/abort.js';
import type { Command } from 'commander';
import { FaultlineError } from '../../core/errors.js';
import { embeddedStand, embeddedStandNames, type EmbeddedStand, type StandIO } from '../../stands/embedded.js';
import { loadStandFile, standFilePath } from '../../stands/index.js';
import { abortOnSignals } from '../interrupt.js';

const standTimeoutMs = 45 * 60_000;

interface Target {
  name: string;
  stand: EmbeddedStand;
  /** options a stand file sets (its server) */
  defaults: Record<string, string>;
}

/** `local`, `local --name local-x`, `local-x`, `kwok`, or a stand file of an embedded stand. */
async function targetOf(ref: string, opts: Record<string, string | boolean>): Promise<Target> {
  const named = typeof opts.name === 'string' ? opts.name : undefined;
  if (named && ref !== 'local') throw new FaultlineError('invalid-option', `--name is for the local stand, not ${ref}`, { exitCode: 2 });
  const name = named ?? ref;
  const stand = await embeddedStand(name);
  if (stand) return { name, stand, defaults: {} };
  const file = standFilePath(ref);
  if (file) {
    const sf = await loadStandFile(file);
    const which = sf.spec.instance ?? sf.spec.embedded;
    const fromFile = which ? await embeddedStand(which) : undefined;
    if (fromFile) return { name: which!, stand: fromFile, defaults: sf.spec.server ? { server: sf.spec.server } : {} };
  }
  throw new FaultlineError('stand-unknown', `no embedded stand "${name}"`, {
    exitCode: 2,
    hint: `embedded stands: ${embeddedStandNames().join(', ')}, local-<x> (a local stand of its own), or a stand file with spec.embedded`,
  });
}

async function withStand(ref: string, opts: Record<string, string | boolean>, fn: (t: Target, io: StandIO) => Promise<void>): Promise<void> {
  const target = await targetOf(ref, opts);
  const interrupt = abortOnSignals((l) => process.stderr.write(l + '\n'));
  try {
    await fn(target, { signal: deadline(interrupt.signal, standTimeoutMs), log: (l) => process.stderr.write(l + '\n') });
  } finally {
    interrupt.dispose();
  }
}

const nameOption = ['--name <name>', 'local: which local stand, `local` (default) or `local-<x>` with its own namespaces, bridge and subnet'] as const;

export function standCommand(program: Command): void {
  const stand = program.command('stand').description('bring the embedded stands up and down (local, local-<x>, kwok)');
  stand
    .command('up')
    .description('build what is missing, start the stand, wait until healthy, print how to reach it')
    .argument('<name>', 'local | local-<x> | kwok | a stand file of an embedded stand')
    .option('--server <server>', 'local: the storage server, minio (default), seaweedfs or rustfs; a local-<server> name picks that server')
    .option(...nameOption)
    .option('--loopback', 'local: loopback-only mode without network namespaces (network faults unsupported; MinIO only)')
    .option('--drive-size <size>', 'local: size of each tmpfs drive', '1GiB')
    .option('--minio-defaults', "local: keep MinIO's stock peer timeouts (default: fast dead-peer detection, 3 s TCP user timeout, 5 s drive timeout)")
    .action(async (name: string, opts: Record<string, string | boolean>) => withStand(name, opts, (t, io) => t.stand.up({ ...t.defaults, ...opts }, io)));
  stand
    .command('down')
    .description('remove every process, namespace, mount, rule and file the stand made')
    .argument('<name>', 'local | local-<x> | kwok | a stand file of an embedded stand')
    .option(...nameOption)
    .action(async (name: string, opts: Record<string, string | boolean>) => withStand(name, opts, (t, io) => t.stand.down(io)));
  stand
    .command('status')
    .description('show the server, components, nodes and health')
    .argument('<name>', 'local | local-<x> | kwok | a stand file of an embedded stand')
    .option(...nameOption)
    .action(async (name: string, opts: Record<string, string | boolean>) =>
      withStand(name, opts, async (t, io) => {
        const st = await t.stand.status(io);
        process.stdout.write(`${t.name}: ${st.up ? 'up' : 'down'}\n${st.lines.map((l) => `  ${l}`).join('\n')}\n`);
        if (!st.up) process.exitCode = 1;
      }),
    );
}
