import { deadline } from '../../core/abort.js';
import type { Command } from 'commander';
import { FaultlineError } from '../../core/errors.js';
import { embeddedStand, embeddedStandNames, type EmbeddedStand, type StandIO } from '../../stands/embedded.js';
import { abortOnSignals } from '../interrupt.js';

const standTimeoutMs = 45 * 60_000;

async function withStand(name: string, fn: (stand: EmbeddedStand, io: StandIO) => Promise<void>): Promise<void> {
  const stand = await embeddedStand(name);
  if (!stand) {
    throw new FaultlineError('stand-unknown', `no embedded stand "${name}"`, { exitCode: 2, hint: `embedded stands: ${embeddedStandNames().join(', ')}` });
  }
  const interrupt = abortOnSignals((l) => process.stderr.write(l + '\n'));
  try {
    await fn(stand, { signal: deadline(interrupt.signal, standTimeoutMs), log: (l) => process.stderr.write(l + '\n') });
  } finally {
    interrupt.dispose();
  }
}

export function standCommand(program: Command): void {
  const stand = program.command('stand').description('bring the embedded stands up and down (local, kwok, cluster)');
  stand
    .command('up')
    .description('build what is missing, start the stand, wait until healthy, print how to reach it')
    .argument('<name>', 'local | kwok | cluster')
    .option('--loopback', 'local: loopback-only mode without network namespaces (network faults unsupported)')
    .option('--drive-size <size>', 'local, cluster: size of each tmpfs drive', '1GiB')
    .option('--minio-defaults', "local: keep MinIO's stock peer timeouts (default: fast dead-peer detection, 3 s TCP user timeout, 5 s drive timeout)")
    .action(async (name: string, opts: Record<string, string | boolean>) => withStand(name, (s, io) => s.up(opts, io)));
  stand
    .command('down')
    .description('remove every process, namespace, mount, rule and file the stand made')
    .argument('<name>', 'local | kwok | cluster')
    .action(async (name: string) => withStand(name, (s, io) => s.down(io)));
  stand
    .command('status')
    .description('show components, nodes and health')
    .argument('<name>', 'local | kwok | cluster')
    .action(async (name: string) =>
      withStand(name, async (s, io) => {
        const st = await s.status(io);
        process.stdout.write(`${name}: ${st.up ? 'up' : 'down'}\n${st.lines.map((l) => `  ${l}`).join('\n')}\n`);
        if (!st.up) process.exitCode = 1;
      }),
    );
}
