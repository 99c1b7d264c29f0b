/** Finding, signalling and starting the stand's processes, from /proc rather than from memory. */
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { pollUntil } from '../../core/abort.js';

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

/** Waits until every pid is gone (or a zombie); DeadlineError after `ms`. */
export async function waitGone(pids: number[], ms: number, signal: AbortSignal, phase = 'processes to exit'): Promise<void> {
  await pollUntil(phase, ms, signal, async () => {
    for (const pid of pids) if (await isAlive(pid)) return undefined;
    return true;
  }, 100);
}
