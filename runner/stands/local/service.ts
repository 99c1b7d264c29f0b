/** The storage service of a node: the stand's server, started detached in the node's namespace. */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { sleep } from '../../core/abort.js';
import { FaultlineError } from '../../core/errors.js';
import type { NodeLayout } from './layout.js';
import { isAlive, pidsMatching } from '../../core/proc.js';
import { storageServer, type StorageServer } from './servers/index.js';
import { serverOf, updateNode, type Credentials, type StandState } from './state.js';

export const serverFor = (state: StandState): StorageServer => storageServer(serverOf(state));

/** The exact argv a node is started with (through nsenter in netns mode). */
export function serverCommand(state: StandState, n: NodeLayout, creds: Credentials): ReturnType<StorageServer['command']> {
  const cmd = serverFor(state).command(state, n, creds);
  // nsenter execs the server in place, so the pid we get is the server's own.
  return n.netns ? { ...cmd, argv: ['nsenter', `--net=/run/netns/${n.netns}`, '--', ...cmd.argv] } : cmd;
}

/** Live server processes of a node, found by the address they serve. */
export function servicePids(state: StandState, n: NodeLayout): Promise<number[]> {
  const server = serverFor(state);
  return pidsMatching((argv) => server.isService(argv, n));
}

/** Starts the server for a node unless it already runs; records pid and command in state.json. */
export async function startService(state: StandState, n: NodeLayout, creds: Credentials, signal: AbortSignal): Promise<number> {
  const running = await servicePids(state, n);
  if (running.length) return running[0]!;
  signal.throwIfAborted();
  const server = serverFor(state);
  await server.prepare?.(state, n, creds);
  const { argv, env, secretEnv } = serverCommand(state, n, creds);
  const fd = openSync(n.log, 'a', 0o600);
  let pid: number | undefined;
  try {
    const child = spawn(argv[0]!, argv.slice(1), {
      detached: true,
      cwd: n.dir,
      stdio: ['ignore', fd, fd],
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...env, ...secretEnv },
    });
    child.on('error', () => {});
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(fd);
  }
  if (!pid) throw new FaultlineError('local-start', `${n.name}: could not start ${argv[0]}`, { hint: `see ${n.log}` });
  const recorded = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    ...env,
    ...Object.fromEntries(Object.keys(secretEnv).map((k) => [k, `<from ${state.credentialsFile}>`])),
  };
  await updateNode(state.root, n.name, { pid, command: argv, env: recorded, startedAt: new Date().toISOString() });
  // A bad binary or argument ends the process at once; report that here, not at the health wait.
  await sleep(300, signal);
  if (!(await isAlive(pid))) {
    throw new FaultlineError('local-start', `${n.name}: ${server.name} exited right after start`, { hint: `see ${n.log}` });
  }
  return pid;
}
