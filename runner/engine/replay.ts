/**
 * Replays the pending undos of one journal, newest first, for whoever finds them: the
 * watchdog of a runner that vanished, a new run on the same stand, or `faultline recover`.
 * One replayer at a time per journal (a lock file beside it); every revert is journaled,
 * and the run's record says who reverted what, so the reports show it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { Context, FaultDef, Stand } from '../core/contracts.js';
import { deadline } from '../core/abort.js';
import { messageOf } from '../core/errors.js';
import { removeTempsOf, writeJson } from '../core/files.js';
import type { RunRecord } from '../report/record.js';
import { isAlive } from '../core/proc.js';
import { acquireLock } from '../core/lock.js';
import { clearNotes } from '../kube/undo-notes.js';
import { revertTimeoutMs } from './injections.js';
import { Journal, readJournal, type JournalState, type PendingUndo } from './journal.js';

export type Replayer = 'watchdog' | 'recover';

/** What undoing needs from outside the engine: the fault kinds, and a way to open the stand a journal names. */
export interface UndoTools {
  faults: ReadonlyMap<string, FaultDef>;
  openStand(ref: string, signal: AbortSignal): Promise<Stand>;
}

export interface ReplayOptions {
  tools: UndoTools;
  by: Replayer;
  signal: AbortSignal;
  log(line: string): void;
  /** only these pending undos (default: all) */
  only?(p: PendingUndo): boolean;
}

export interface ReplayResult {
  reverted: number;
  failed: number;
}

/** The journal's runner is still at work on this machine (a zombie is not): it reverts its own faults. */
export async function runnerAlive(j: JournalState): Promise<boolean> {
  return !j.ended && !!j.begin && j.begin.host === hostname() && (await isAlive(j.begin.pid));
}

async function revertPending(p: PendingUndo, tools: UndoTools, signal: AbortSignal): Promise<void> {
  const def = tools.faults.get(p.kind);
  if (!def) throw new Error(`this faultline does not know fault kind ${p.kind}`);
  const stand = await tools.openStand(p.stand.ref, deadline(signal, 60_000, `opening stand ${p.stand.name}`));
  try {
    const ctx: Context = {
      signal: deadline(signal, revertTimeoutMs),
      stand,
      emit: () => {},
      workloads: { get: () => undefined },
      seed: 0,
      runId: p.run,
    };
    await def.revert(p.undo, ctx);
    if (stand.kube && def.touches) await clearNotes(stand.kube.kc, def.touches(p.undo), p.id, ctx.signal);
  } finally {
    await stand.close();
  }
}

export async function replayJournal(path: string, opts: ReplayOptions): Promise<ReplayResult> {
  const dir = dirname(path);
  const release = await acquireLock(join(dir, 'replay.lock'), opts.signal, revertTimeoutMs, `the journal ${path} (another replay of it is running)`);
  const out: ReplayResult = { reverted: 0, failed: 0 };
  const done: { p: PendingUndo; at: number }[] = [];
  try {
    // read under the lock: someone before us may have reverted some already
    const j = await readJournal(path);
    const todo = j.pending.filter((p) => opts.only?.(p) ?? true).reverse();
    if (!todo.length) return out;
    const runId = j.begin?.runId ?? dir;
    const journal = await Journal.open(dir);
    try {
      for (const p of todo) {
        try {
          await revertPending(p, opts.tools, opts.signal);
          const at = Date.now();
          await journal.append({ type: 'reverted', at, id: p.id, by: opts.by });
          done.push({ p, at });
          opts.log(`run ${runId}: reverted ${p.description} on ${p.stand.name}`);
          out.reverted++;
        } catch (err) {
          const error = messageOf(err);
          await journal.append({ type: 'revert-failed', at: Date.now(), id: p.id, error });
          opts.log(`run ${runId}: FAILED to revert ${p.description} on ${p.stand.name}: ${error}`);
          out.failed++;
        }
      }
    } finally {
      await journal.close();
    }
    await noteInRecords(dir, done, opts.by).catch((err) => opts.log(`run ${runId}: could not note the reverts in its records: ${messageOf(err)}`));
  } finally {
    await release();
  }
  return out;
}

/** Marks the faults as reverted by `by` in the run records of the folder (runs/*.json). */
async function noteInRecords(dir: string, done: { p: PendingUndo; at: number }[], by: Replayer): Promise<void> {
  if (!done.length) return;
  const files = (await readdir(join(dir, 'runs')).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
  for (const f of files) {
    const file = join(dir, 'runs', f);
    const r = JSON.parse(await readFile(file, 'utf8')) as RunRecord;
    const key = `${r.scenario.name}--${r.stand.name}--${r.iteration}`;
    const mine = done.filter((d) => d.p.run === key);
    if (!mine.length) continue;
    for (const { p, at } of mine) {
      const step = Number(p.id.slice(key.length + 1).split('/')[0]);
      const f = r.faults.find((x) => x.step === step && x.revertedAt === undefined);
      if (f) Object.assign(f, { revertedAt: at, revertedBy: by });
      r.timeline.push({ type: 'fault.revert', at, kind: p.kind, description: p.description, by });
    }
    if (r.endedAt === undefined) {
      r.status = 'interrupted';
      r.reason = `the runner vanished mid-run; ${by === 'watchdog' ? 'its watchdog' : 'faultline recover'} reverted ${mine.length} fault(s)`;
    }
    await writeJson(file, r);
  }
}

/** Removes the half-written files a dead runner left in its run folder, and says so. */
export async function removeDeadRunnersTemps(j: JournalState, log: (line: string) => void): Promise<void> {
  if (!j.begin) return;
  const removed = await removeTempsOf(dirname(j.path), j.begin.pid);
  if (removed.length) log(`run ${j.begin.runId}: removed ${removed.length} half-written file(s) its runner left: ${removed.join(', ')}`);
}

/** Journals under a results root (one run folder each). */
export async function journalsUnder(root: string): Promise<string[]> {
  const dirs = await readdir(root).catch(() => [] as string[]);
  return dirs.sort().map((d) => join(root, d, 'journal.jsonl'));
}
