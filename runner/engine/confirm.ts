/**
 * Proof that a fault took effect: the fault's confirm() looked at again and again right
 * after inject until it says so or the bound runs out. A fault never confirmed makes the
 * run `unknown`: a scenario that passes with a power cut that never happened proves nothing.
 */
import type { Context, FaultDef, JsonValue, Observation, UndoData } from '../core/contracts.js';
import { deadline, sleep } from '../core/abort.js';
import { messageOf, UnsupportedError } from '../core/errors.js';
import { formatDuration } from '../core/units.js';
import type { FaultEffect } from '../report/record.js';

/** How long a fault may take to show its effect (a kill to be seen, a drop rule to bite). */
export const confirmTimeoutMs = 20_000;
const retryMs = 250;

export async function confirmEffect(
  def: FaultDef,
  spec: unknown,
  undo: UndoData,
  injected: Record<string, JsonValue>,
  ctx: Context,
  boundMs = confirmTimeoutMs,
): Promise<FaultEffect | undefined> {
  if (!def.confirm) return undefined;
  const t0 = Date.now();
  const bound = deadline(ctx.signal, boundMs);
  let last: Observation | undefined;
  let lastError: string | undefined;
  for (;;) {
    try {
      last = await def.confirm(spec, undo, injected, { ...ctx, signal: bound });
      lastError = undefined;
      if (last.ok) return { ok: true, value: last.value, elapsedMs: Date.now() - t0 };
    } catch (err) {
      ctx.signal.throwIfAborted();
      // a driver that cannot look will not learn to while we wait
      if (err instanceof UnsupportedError) return { ok: false, value: `cannot be confirmed: ${err.message}`, elapsedMs: Date.now() - t0 };
      if (!bound.aborted) lastError = messageOf(err);
    }
    if (bound.aborted || Date.now() - t0 + retryMs >= boundMs) break;
    await sleep(retryMs, ctx.signal);
  }
  ctx.signal.throwIfAborted();
  const why = lastError ? `could not observe it: ${lastError}` : (last?.value ?? `no observation within ${formatDuration(boundMs)}`);
  return { ok: false, value: `not seen within ${formatDuration(boundMs)}: ${why}`, elapsedMs: Date.now() - t0 };
}
