/**
 * The faults a run has injected, newest last. Every inject is journaled first;
 * every revert runs with its own deadline, so it still happens after the run's
 * signal has fired (failed gate, timeout, Ctrl-C, SIGTERM).
 */
import type { Context, FaultDef, JsonValue, UndoData } from '../core/contracts.js';
import { FaultlineError, messageOf, ExitCode } from '../core/errors.js';
import type { FaultResult } from '../report/record.js';
import type { Journal } from './journal.js';

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
  ) {}

  /** prepare -> journal (fsync) -> inject. A failed inject is still reverted. */
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
    const details = await def.inject(spec, undo, this.ctx);
    result.injectedAt = Date.now();
    this.ctx.emit('fault.inject', { id, kind, description: result.description });
    if (details) result.details = details as Record<string, JsonValue>;
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
