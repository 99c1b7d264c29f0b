/**
 * The /proc kit of the embedded stands: process state, finding processes by namespace or
 * command line, and detached processes recorded by pid + kernel start time (safe against
 * pid reuse) that can be found again after a crash and stopped with a bound.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { open, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { DeadlineError, pollUntil, sleep } from './abort.js';
import { FaultlineError, messageOf } from './errors.js';
import type { ServiceProcess } from './contracts.js';

/** R, S, D, T (stopped), Z (zombie), ... or undefined when the pid is gone. */
export async function procState(pid: number): Promise<string | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!text) return undefined;
  // The command name may hold spaces and parentheses; the state follows the last ')'.
  return text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
}

/** Alive means not gone and not a zombie (pid 1 here may never reap orphans). */
export async function isAlive(pid: number): Promise<boolean> {
  const s = await procState(pid);
  return s !== undefined && s !== 'Z' && s !== 'X';
}

async function allPids(): Promise<number[]> {
  return (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
}

export async function cmdline(pid: number): Promise<string[]> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return raw.split('\0').filter(Boolean);
}

/** Live processes whose network namespace is /run/netns/<ns>. */
export async function pidsInNetns(ns: string): Promise<number[]> {
  const ino = await stat(`/run/netns/${ns}`).then(
    (s) => s.ino,
    () => undefined,
  );
  if (ino === undefined) return [];
  const want = `net:[${ino}]`;
  const out: number[] = [];
  for (const pid of await allPids()) {
    if (pid === process.pid) continue;
    const link = await readlink(`/proc/${pid}/ns/net`).catch(() => undefined);
    if (link === want && (await isAlive(pid))) out.push(pid);
  }
  return out;
}

/** Live processes whose command line satisfies `match`. */
export async function pidsMatching(match: (argv: string[]) => boolean): Promise<number[]> {
  const out: number[] = [];
  for (const pid of await allPids()) {
    if (pid === process.pid) continue;
    const argv = await cmdline(pid);
    if (argv.length && match(argv) && (await isAlive(pid))) out.push(pid);
  }
  return out;
}

export function signalAll(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}

/**
 * SIGTERM (and SIGCONT: a paused process only acts on it once it runs), up to `graceMs`
 * to exit, then SIGKILL and up to `killMs`; `onEscalate` is told before the SIGKILL.
 */
export async function terminate(pids: number[], what: string, o: { graceMs: number; killMs: number; signal: AbortSignal; onEscalate(): Promise<void> }): Promise<void> {
  if (!pids.length) return;
  signalAll(pids, 'SIGTERM');
  signalAll(pids, 'SIGCONT');
  try {
    await waitGone(pids, o.graceMs, o.signal, `${what} to stop after SIGTERM`);
  } catch (err) {
    if (!(err instanceof DeadlineError)) throw err;
    await o.onEscalate();
    signalAll(pids, 'SIGKILL');
    await waitGone(pids, o.killMs, o.signal, `${what} to die after SIGKILL`);
  }
}

/** Waits until every pid is gone (or a zombie); DeadlineError after `ms`. */
export async function waitGone(pids: number[], ms: number, signal: AbortSignal, phase = 'processes to exit'): Promise<void> {
  await pollUntil(phase, ms, signal, async () => {
    for (const pid of pids) if (await isAlive(pid)) return undefined;
    return true;
  }, 100);
}

/** A process as recorded: pid plus kernel start time, so a reused pid is never mistaken for it. */
export interface ProcessRef {
  pid: number;
  /** /proc/<pid>/stat start time (clock ticks since boot) */
  start: string;
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
export function runs(rec: ProcessRef): boolean {
  const s = procStat(rec.pid);
  return !!s && s.start === rec.start && s.state !== 'Z';
}

/** A detached process of a stand (a control-plane component, a node daemon). */
export interface ProcRecord extends ProcessRef {
  component: string;
  bin: string;
}

/** Starts `bin` in its own session with output appended to `logFile` (`env` added to ours); it outlives this process. */
export async function spawnDetached(component: string, bin: string, args: string[], logFile: string, cwd: string, env: Record<string, string> = {}): Promise<ProcRecord> {
  const log = await open(logFile, 'a', 0o600);
  try {
    await log.write(`--- ${new Date().toISOString()} ${bin} ${args.join(' ')}\n`);
    const child = spawn(bin, args, { cwd, detached: true, stdio: ['ignore', log.fd, log.fd], env: { ...process.env, GOMAXPROCS: process.env.GOMAXPROCS ?? '2', ...env } });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    }).catch((err) => {
      throw new FaultlineError('spawn', `cannot start ${component} (${bin})`, { cause: err });
    });
    child.unref();
    const pid = child.pid!;
    const stat = procStat(pid);
    if (!stat) throw new FaultlineError('spawn', `${component} exited at once; see ${logFile}`);
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
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw new FaultlineError('stop', `cannot signal pid ${pid}: ${messageOf(err)}`);
  }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL and wait again; returns pids that had to be killed. */
export async function stopPids(recs: ProcessRef[], graceMs: number, signal: AbortSignal): Promise<number[]> {
  const living = () => recs.filter(runs);
  for (const r of living()) kill(r.pid, 'SIGTERM');
  const waitAllGone = async (ms: number) => {
    const until = Date.now() + ms;
    while (living().length && Date.now() < until) await sleep(100, signal);
  };
  await waitAllGone(graceMs);
  const stubborn = living().map((r) => r.pid);
  for (const pid of stubborn) kill(pid, 'SIGKILL');
  await waitAllGone(5_000);
  const left = living();
  if (left.length) throw new FaultlineError('stop', `processes ${left.map((r) => r.pid).join(', ')} survived SIGKILL`);
  return stubborn;
}

/** The given pids as service processes (id = pid@start time), leaving out the gone ones. */
export function serviceProcesses(pids: number[]): ServiceProcess[] {
  return pids.flatMap((pid) => {
    const s = procStat(pid);
    return s ? [{ id: `${pid}@${s.start}`, state: s.state }] : [];
  });
}

/** A record for a pid found by `findOurs`. */
export function recordOf(pid: number): ProcessRef | undefined {
  const s = procStat(pid);
  return s ? { pid, start: s.start } : undefined;
}

/** The last lines of a log file, for errors about a process that exited. */
export async function logTail(file: string, lines = 20): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
