/**
 * Detached processes of the embedded Kubernetes stands (control-plane components,
 * node daemons): started in their own session with output to a log file, recorded by pid + kernel start time (so a reused pid is never mistaken for
 * ours), and found again after a crash by what they run (a faultline-built tool
 * whose arguments name the stand's state dir).
 */
import { spawn } from 'node:child_process';
import { open, readFile, readdir, readlink } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { FaultlineError, messageOf } from '../../core/errors.js';
import { sleep } from '../../core/abort.js';

export interface ProcRecord {
  component: string;
  pid: number;
  /** /proc/<pid>/stat start time (clock ticks since boot) */
  start: string;
  bin: string;
}

/** Start time and state of a pid, or undefined when it does not exist. */
function procStat(pid: number): { start: string; state: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after "(comm)" are space separated; comm itself may hold spaces
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0], start: rest[19] };
  } catch {
    return undefined;
  }
}

/** Whether the recorded process still runs (not a zombie, not a reused pid). */
export function isAlive(rec: Pick<ProcRecord, 'pid' | 'start'>): boolean {
  const s = procStat(rec.pid);
  return !!s && s.start === rec.start && s.state !== 'Z';
}

/** `env` is added to this process's environment. */
export async function spawnDetached(component: string, bin: string, args: string[], logFile: string, cwd: string, env: Record<string, string> = {}): Promise<ProcRecord> {
  const log = await open(logFile, 'a', 0o600);
  try {
    await log.write(`--- ${new Date().toISOString()} ${bin} ${args.join(' ')}\n`);
    const child = spawn(bin, args, { cwd, detached: true, stdio: ['ignore', log.fd, log.fd], env: { ...process.env, GOMAXPROCS: process.env.GOMAXPROCS ?? '2', ...env } });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    }).catch((err) => {
      throw new FaultlineError('control-plane-start', `cannot start ${component} (${bin})`, { cause: err });
    });
    child.unref();
    const pid = child.pid!;
    const stat = procStat(pid);
    if (!stat) throw new FaultlineError('control-plane-start', `${component} exited at once; see ${logFile}`);
    return { component, pid, start: stat.start, bin };
  } finally {
    await log.close();
  }
}

/**
 * Pids of processes whose executable lies under `toolsDir` and whose arguments
 * name a path inside `root` (the state dir): what this stand started, even with no state file.
 */
export async function findOurs(root: string, toolsDir: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
      if (!argv.slice(1).some((a) => a.includes(`${root}/`))) continue;
      const exe = await readlink(`/proc/${pid}/exe`).catch(() => argv[0]);
      if (exe.startsWith(toolsDir) && procStat(pid)?.state !== 'Z') found.push(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

function kill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw new FaultlineError('control-plane-stop', `cannot signal pid ${pid}: ${messageOf(err)}`);
  }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL and wait again; returns pids that had to be killed. */
export async function stopPids(recs: Pick<ProcRecord, 'pid' | 'start'>[], graceMs: number, signal: AbortSignal): Promise<number[]> {
  const living = () => recs.filter(isAlive);
  for (const r of living()) kill(r.pid, 'SIGTERM');
  const waitGone = async (ms: number) => {
    const until = Date.now() + ms;
    while (living().length && Date.now() < until) await sleep(100, signal);
  };
  await waitGone(graceMs);
  const stubborn = living().map((r) => r.pid);
  for (const pid of stubborn) kill(pid, 'SIGKILL');
  await waitGone(5_000);
  const left = living();
  if (left.length) throw new FaultlineError('control-plane-stop', `processes ${left.map((r) => r.pid).join(', ')} survived SIGKILL`);
  return stubborn;
}

/** A record for a pid found by `findOurs`. */
export function recordOf(pid: number): Pick<ProcRecord, 'pid' | 'start'> | undefined {
  const s = procStat(pid);
  return s ? { pid, start: s.start } : undefined;
}

/** The last lines of a log file, for errors about a process that exited. */
export async function logTail(file: string, lines = 20): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
