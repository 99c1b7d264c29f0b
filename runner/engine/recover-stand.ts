/**
 * `faultline recover --stand X`: heals one stand from whatever this machine can see: the
 * journals of dead runs that touched it (results roots and the per-stand index), then, on
 * a Kubernetes stand, the undo notes on its objects, which need no journal at all (any
 * machine with the kubeconfig).
 */
import { hostname } from 'node:os';
import type { Context } from '../core/contracts.js';
import { deadline } from '../core/abort.js';
import { ExitCode, messageOf, type ExitCodeValue } from '../core/errors.js';
import { clearNotes, findNotes, type FoundNote } from '../kube/undo-notes.js';
import { isAlive } from '../core/proc.js';
import { revertTimeoutMs } from './injections.js';
import { defaultResultsRoot, recoverStale } from './stale.js';
import type { UndoTools } from './replay.js';

export interface RecoverStandOptions {
  tools: UndoTools;
  stand: string;
  resultsRoot: string;
  force: boolean;
  signal: AbortSignal;
  log(line: string): void;
}

export async function recoverStand(opts: RecoverStandOptions): Promise<ExitCodeValue> {
  const stand = await opts.tools.openStand(opts.stand, deadline(opts.signal, 60_000, `opening stand ${opts.stand}`));
  try {
    const fromJournals = await recoverStale({ tools: opts.tools, stand, resultsRoots: [defaultResultsRoot, opts.resultsRoot], signal: opts.signal, log: opts.log });
    let reverted = fromJournals.reverted;
    let failed = fromJournals.failed;
    if (stand.kube) {
      const found = await findNotes(stand.kube.kc, deadline(opts.signal, 120_000));
      const byFault = new Map<string, FoundNote[]>();
      for (const f of found) byFault.set(f.note.id, [...(byFault.get(f.note.id) ?? []), f]);
      // newest first, as a run reverts
      const todo = [...byFault.values()].sort((a, b) => b[0]!.note.at - a[0]!.note.at);
      for (const notes of todo) {
        const n = notes[0]!.note;
        if (n.host === hostname() && (await isAlive(n.pid)) && !opts.force) {
          opts.log(`stand ${stand.name}: ${n.description} belongs to a run still in progress (pid ${n.pid}); use --force to revert anyway`);
          continue;
        }
        const def = opts.tools.faults.get(n.kind);
        try {
          if (!def) throw new Error(`this faultline does not know fault kind ${n.kind}`);
          const ctx: Context = { signal: deadline(opts.signal, revertTimeoutMs), stand, emit: () => {}, workloads: { get: () => undefined }, seed: 0, runId: n.runId };
          await def.revert(n.undo, ctx);
          await clearNotes(stand.kube.kc, notes.map((x) => x.ref), n.id, ctx.signal);
          opts.log(`stand ${stand.name}: reverted ${n.description} (run ${n.runId}, from the note on ${notes.map((x) => `${x.ref.kind} ${x.ref.name}`).join(', ')})`);
          reverted++;
        } catch (err) {
          opts.log(`stand ${stand.name}: FAILED to revert ${n.description} (run ${n.runId}): ${messageOf(err)}`);
          failed++;
        }
      }
    }
    opts.log(reverted + failed ? `recover ${stand.name}: ${reverted} reverted, ${failed} failed` : `nothing to recover on stand ${stand.name}`);
    return failed ? ExitCode.revertFailed : ExitCode.ok;
  } finally {
    await stand.close();
  }
}
