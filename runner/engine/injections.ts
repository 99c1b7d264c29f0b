/**
 * The faults a run has injected, newest last. Every inject is journaled first;
 * every revert runs with its own deadline, so it still happens after the run's
 * signal has fired (failed gate, timeout, Ctrl-C, SIGTERM).
 */
import type { Context, FaultDef, JsonValue, UndoData } from '../core/contracts.js';
import { FaultlineError, messageOf, ExitCode } from '../core/errors.js';
import type { FaultResult } from '../report/record.js';
import { confirmEffect, confirmTimeoutMs } from './confirm.js';
import type { Journal } from './journal.js';
import { clearNotes, writeNotes } from '../kube/undo-notes.js';

export const revertTimeoutMs = 180_000;

interface Live {
  journalId: string;
  def: FaultDef;
  undo: UndoData;
  result: FaultResult;
}

export class Injections {
  private readonly live: Live[] = [];

  constructor(
    private readonly faults: ReadonlyMap<string, FaultDef>,
    private readonly journal: Journal,
    private readonly runKey: string,
    private readonly ctx: Context,
    /** runs after the journal entry and before the fault: arms the dead-man's switch */
    private readonly beforeInject?: () => Promise<void>,
    private readonly confirmMs = confirmTimeoutMs,
  ) {}

  /**
   * prepare -> journal (fsync) -> watchdog armed -> inject -> confirm the effect (result.effect).
   * A failed inject is still reverted.
   */
  async inject(step: number, id: string, kind: string, spec: unknown, result: FaultResult): Promise<void> {
    const def = this.faults.get(kind);
    if (!def) throw new FaultlineError('fault-unknown', `unknown fault kind ${kind}`);
    const undo = await def.prepare(spec, this.ctx);
    const journalId = `${this.runKey}/${step}/${id}`;
    await this.journal.append({
      type: 'inject',
      at: Date.now(),
      id: journalId,
      run: this.runKey,
      kind,
      stand: { name: this.ctx.stand.name, ref: this.ctx.stand.ref },
      undo,
      description: result.description,
    });
    const live: Live = { journalId, def, undo, result };
    this.live.push(live);
    await this.beforeInject?.();
    const kc = this.ctx.stand.kube?.kc;
    const refs = kc && def.touches ? def.touches(undo) : [];
    const note = { id: journalId, runId: this.ctx.runId, kind, undo, description: result.description };
    if (refs.length) await writeNotes(kc!, refs, note, this.ctx.signal);
    const details = await def.inject(spec, undo, this.ctx);
    // objects the fault created only now exist to carry the note
    if (refs.length) await writeNotes(kc!, refs, note, this.ctx.signal);
    result.injectedAt = Date.now();
    this.ctx.emit('fault.inject', { id, kind, description: result.description });
    if (details) result.details = details as Record<string, JsonValue>;
    const effect = await confirmEffect(def, spec, undo, result.details ?? {}, this.ctx, this.confirmMs);
    if (effect) {
      result.effect = effect;
      this.ctx.emit('fault.effect', { id, kind, ok: effect.ok, value: effect.value, elapsedMs: effect.elapsedMs });
    }
  }

  /** Reverts the newest live injection whose step id or kind is `target`. */
  async revert(target: string): Promise<void> {
    const idx = this.live.findLastIndex((l) => l.result.id === target || l.result.kind === target);
    if (idx < 0) throw new FaultlineError('revert-target', `nothing injected matches "${target}"`);
    const [live] = this.live.splice(idx, 1);
    await this.revertOne(live!);
    if (live!.result.revertError) throw new FaultlineError('revert-failed', `revert of ${live!.result.description} failed: ${live!.result.revertError}`, { exitCode: ExitCode.revertFailed });
  }

  /** Reverts everything still live, newest first; never throws (failures land in the results). */
  async revertAll(): Promise<void> {
    while (this.live.length) await this.revertOne(this.live.pop()!);
  }

  private async revertOne(live: Live): Promise<void> {
    const signal = AbortSignal.timeout(revertTimeoutMs);
    try {
      await live.def.revert(live.undo, { ...this.ctx, signal });
      const kc = this.ctx.stand.kube?.kc;
      if (kc && live.def.touches) await clearNotes(kc, live.def.touches(live.undo), live.journalId, signal);
      live.result.revertedAt = Date.now();
      await this.journal.append({ type: 'reverted', at: Date.now(), id: live.journalId, by: 'run' });
      this.ctx.emit('fault.revert', { id: live.result.id, kind: live.result.kind, description: live.result.description });
    } catch (err) {
      const error = signal.aborted ? `did not finish within ${revertTimeoutMs / 1000} s` : messageOf(err);
      live.result.revertError = error;
      await this.journal.append({ type: 'revert-failed', at: Date.now(), id: live.journalId, error });
      this.ctx.emit('fault.revert-failed', { id: live.result.id, kind: live.result.kind, error });
    }
  }
}
