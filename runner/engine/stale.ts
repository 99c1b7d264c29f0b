/**
 * Before a run touches a stand, faults an earlier runner left on it are reverted: a run
 * SIGKILLed before its watchdog acted, a machine that lost power, a watchdog killed too;
 * the half-written files such a runner left in its run folder are removed.
 * Journals are found in the results roots and in a per-stand index under the state
 * directory, so where an earlier `--results` pointed does not matter.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Stand } from '../core/contracts.js';
import { stateDir, writeFileAtomic } from '../core/files.js';
import { safeSegment } from '../report/format.js';
import { readJournal } from './journal.js';
import { journalsUnder, removeDeadRunnersTemps, replayJournal, runnerAlive, type UndoTools } from './replay.js';

export const defaultResultsRoot = 'results';

const indexPath = (stand: string) => stateDir('journals', `${safeSegment(stand)}.list`);

/** Notes that the journal at `path` may hold faults on `stand`. */
export async function indexJournal(stand: string, path: string): Promise<void> {
  const file = indexPath(stand);
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, resolve(path) + '\n');
}

async function indexed(stand: string): Promise<string[]> {
  return (await readFile(indexPath(stand), 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

export interface StaleOptions {
  tools: UndoTools;
  stand: Stand;
  resultsRoots: string[];
  /** the journal of the sweep about to start: never one to recover */
  own?: string;
  signal: AbortSignal;
  log(line: string): void;
}

/** Reverts every pending fault on this stand of journals whose runner is gone; returns how many. */
export async function recoverStale(opts: StaleOptions): Promise<{ reverted: number; failed: number }> {
  const name = opts.stand.name;
  const paths = new Set([...(await indexed(name)), ...(await Promise.all(opts.resultsRoots.map(journalsUnder))).flat().map((p) => resolve(p))]);
  if (opts.own) paths.delete(resolve(opts.own));
  const clean = new Set<string>();
  const total = { reverted: 0, failed: 0 };
  for (const path of paths) {
    const j = await readJournal(path).catch(() => undefined);
    if (!j) continue;
    if (await runnerAlive(j)) continue;
    await removeDeadRunnersTemps(j, opts.log);
    const mine = j.pending.filter((p) => p.stand.name === name);
    if (!mine.length) {
      clean.add(path);
      continue;
    }
    opts.log(`stand ${name}: run ${j.begin?.runId ?? path} left ${mine.length} fault(s) in place; reverting them first`);
    const r = await replayJournal(path, { tools: opts.tools, by: 'recover', signal: opts.signal, log: (l) => opts.log(`  ${l}`), only: (p) => p.stand.name === name });
    total.reverted += r.reverted;
    total.failed += r.failed;
    if (!r.failed) clean.add(path);
  }
  // the index only needs journals that may still matter (read again: another sweep may have added one)
  const listed = await indexed(name);
  if (clean.size) await writeFileAtomic(indexPath(name), [...new Set(listed.filter((p) => !clean.has(p)))].map((p) => p + '\n').join(''));
  return total;
}
