/**
 * `faultline recover`: replays the pending undos of runs that did not finish
 * (SIGKILL, power loss of the runner), newest first, and says what it did.
 */
import { deadline } from '../core/abort.js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import type { Context, Stand } from '../core/contracts.js';
import type { Catalog } from '../core/catalog.js';
import { ExitCode, messageOf, type ExitCodeValue } from '../core/errors.js';
import { Journal, journalFileName, readJournal, type JournalState, type PendingUndo } from './journal.js';
import { revertTimeoutMs } from './injections.js';

export interface RecoverOptions {
  catalog: Catalog;
  /** opens the stand a journal entry names (the CLI resolves it through the catalog's stand kinds) */
  openStand(ref: string, signal: AbortSignal): Promise<Stand>;
  resultsRoot: string;
  /** also revert runs whose process still seems alive */
  force: boolean;
  signal: AbortSignal;
  log(line: string): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function journals(root: string): Promise<JournalState[]> {
  let dirs: string[];
  try {
    dirs = await readdir(root);
  } catch {
    return [];
  }
  const out: JournalState[] = [];
  for (const d of dirs.sort()) {
    try {
      out.push(await readJournal(join(root, d, journalFileName)));
    } catch {
      // not a run folder
    }
  }
  return out;
}

async function revertPending(p: PendingUndo, opts: RecoverOptions): Promise<void> {
  const { signal } = opts;
  const def = opts.catalog.faults.get(p.kind);
  if (!def) throw new Error(`this faultline does not know fault kind ${p.kind}`);
  const stand = await opts.openStand(p.stand.ref, signal);
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
  } finally {
    await stand.close();
  }
}

export async function recover(opts: RecoverOptions): Promise<ExitCodeValue> {
  let reverted = 0;
  let failed = 0;
  let pendingSeen = 0;
  for (const j of await journals(opts.resultsRoot)) {
    if (!j.pending.length) continue;
    const runId = j.begin?.runId ?? j.path;
    pendingSeen += j.pending.length;
    const sameHost = j.begin?.host === hostname();
    if (!j.ended && j.begin && sameHost && alive(j.begin.pid) && !opts.force) {
      opts.log(`run ${runId}: still in progress (pid ${j.begin.pid}); it reverts its own faults. Use --force to revert anyway.`);
      continue;
    }
    const journal = await Journal.open(join(j.path, '..'));
    try {
      for (const p of [...j.pending].reverse()) {
        try {
          await revertPending(p, opts);
          await journal.append({ type: 'reverted', at: Date.now(), id: p.id, by: 'recover' });
          opts.log(`run ${runId}: reverted ${p.description} on ${p.stand.name}`);
          reverted++;
        } catch (err) {
          const error = messageOf(err);
          await journal.append({ type: 'revert-failed', at: Date.now(), id: p.id, error });
          opts.log(`run ${runId}: FAILED to revert ${p.description} on ${p.stand.name}: ${error}`);
          failed++;
        }
      }
    } finally {
      await journal.close();
    }
  }
  if (!pendingSeen) opts.log(`nothing to recover: no pending fault in ${opts.resultsRoot}`);
  else opts.log(`recover: ${reverted} reverted, ${failed} failed`);
  return failed ? ExitCode.revertFailed : ExitCode.ok;
}
