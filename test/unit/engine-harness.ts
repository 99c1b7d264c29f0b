/**
 * Test-only fault and probe kinds for the engine's unit tests. They record what the
 * engine asked of them: the ordering, journaling and verdict logic is what's under
 * test here. Real faults and probes are tested against the real stands.
 */
import { readFileSync } from 'node:fs';
import type { FaultDef, ProbeDef, Stand } from '../../runner/core/contracts.js';
import { extendCatalog } from '../../runner/core/catalog.js';
import { RefusedError, UnsupportedError } from '../../runner/core/errors.js';
import { defaultCatalog } from '../../runner/catalog.js';
import type { WorkloadDef } from '../../runner/core/contracts.js';

export const calls: string[] = [];
/** journal path the recording fault checks for its own entry before injecting */
export const journalPath = { current: '' };
/** epoch ms after which `test.flip` passes */
export const flipAt = { current: 0 };

type RecordSpec = { label: string; failRevert?: boolean; effect?: 'seen' | 'never' | 'late' | 'unobservable' };

const recordingFault: FaultDef<RecordSpec, { label: string; failRevert: boolean }> = {
  kind: 'test.record',
  summary: 'test only: records inject/revert',
  schema: {
    type: 'object',
    properties: { label: { type: 'string' }, failRevert: { type: 'boolean' }, effect: { enum: ['seen', 'never', 'late', 'unobservable'] } },
    required: ['label'],
    additionalProperties: false,
  },
  requires: [],
  describe: (s) => `record ${s.label}`,
  prepare: async (s) => ({ label: s.label, failRevert: s.failRevert ?? false }),
  inject: async (_s, undo) => {
    const journal = journalPath.current ? readFileSync(journalPath.current, 'utf8') : '';
    calls.push(`inject ${undo.label} journaled=${journal.includes(`"undo":{"label":"${undo.label}"`)}`);
  },
  revert: async (undo) => {
    calls.push(`revert ${undo.label}`);
    if (undo.failRevert) throw new Error(`cannot undo ${undo.label}`);
  },
};

/** how often confirm() looked, per label */
export const confirmLooks = new Map<string, number>();

/** test.record with a confirm(): `effect` says what it observes */
const effectFault: FaultDef<RecordSpec, { label: string; failRevert: boolean }> = {
  ...recordingFault,
  kind: 'test.effect',
  summary: 'test only: records inject/revert; confirm() observes `effect`',
  // 'late' shows up on the third look, as a drop rule or a kill that takes a moment
  confirm: async (s, undo) => {
    if (s.effect === 'unobservable') throw new UnsupportedError('confirming test.effect', 'bare', 'the driver cannot look');
    const looks = (confirmLooks.set(undo.label, (confirmLooks.get(undo.label) ?? 0) + 1), confirmLooks.get(undo.label)!);
    const ok = s.effect === 'seen' || (s.effect === 'late' && looks >= 3);
    return { ok, value: ok ? `${undo.label} seen after ${looks} look(s)` : `${undo.label} not seen (${looks} look(s))` };
  },
};

const flipProbe: ProbeDef<Record<string, never>> = {
  kind: 'test.flip',
  summary: 'test only: passes after flipAt',
  schema: { type: 'object', additionalProperties: false },
  requires: [],
  describe: () => 'flip',
  evaluate: async () => (Date.now() >= flipAt.current ? { ok: true, value: 'flipped' } : { ok: false, value: 'not yet' }),
};

/** passes, but takes `slowMs.current` to answer */
export const slowMs = { current: 0 };
const slowProbe: ProbeDef<Record<string, never>> = {
  kind: 'test.slow',
  summary: 'test only: answers ok after slowMs, ignoring its deadline',
  schema: { type: 'object', additionalProperties: false },
  requires: [],
  describe: () => 'slow',
  evaluate: async () => {
    await new Promise((r) => setTimeout(r, slowMs.current));
    return { ok: true, value: 'finally' };
  },
};

/** epoch ms after which `test.hangs` holds until its deadline and reports the abort as what it saw */
export const hangAfter = { current: 0 };
const hangingProbe: ProbeDef<Record<string, never>> = {
  kind: 'test.hangs',
  summary: 'test only: answers "not yet" at once until hangAfter, then only when its deadline aborts it',
  schema: { type: 'object', additionalProperties: false },
  requires: [],
  describe: () => 'hangs',
  evaluate: async (_s, ctx) => {
    if (Date.now() < hangAfter.current) return { ok: false, value: 'not yet' };
    await new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }));
    return { ok: false, value: 'ListBuckets failed: Request aborted' };
  },
};

const brokenProbe: ProbeDef<Record<string, never>> = {
  kind: 'test.broken',
  summary: 'test only: cannot be evaluated',
  schema: { type: 'object', additionalProperties: false },
  requires: [],
  describe: () => 'broken',
  evaluate: async () => {
    throw new Error('no route to the thing');
  },
};

/** prepare throws what `throws` names: how the engine classes each failure is under test */
const throwingFault: FaultDef<{ throws: 'refused' | 'unsupported' | 'bug' }, Record<string, never>> = {
  kind: 'test.throw',
  summary: 'test only: prepare throws a refusal, an unsupported operation or a plain error',
  schema: { type: 'object', properties: { throws: { enum: ['refused', 'unsupported', 'bug'] } }, required: ['throws'], additionalProperties: false },
  requires: [],
  describe: (s) => `throw ${s.throws}`,
  prepare: async (s) => {
    if (s.throws === 'refused') throw new RefusedError('preflight-refused', 'preflight refused: the stand says no');
    if (s.throws === 'unsupported') throw new UnsupportedError('test.throw', 'bare', 'no such thing here');
    throw new Error('a plain bug');
  },
  inject: async () => {},
  revert: async () => {},
};


/** A workload whose stop() never returns: a hung client the teardown must not wait for. */
const stuckWorkload: WorkloadDef<Record<string, never>> = {
  kind: 'test.stuck',
  summary: 'test only: never stops',
  schema: { type: 'object', additionalProperties: false },
  requires: [],
  describe: () => 'stuck',
  start: (name) => ({
    name,
    kind: 'test.stuck',
    progress: () => 0,
    state: () => 'running',
    onProgress: () => {},
    settled: new Promise(() => {}),
    stop: () => new Promise(() => {}),
    summary: () => ({}),
  }),
};
/** The real kinds plus these; the default catalog stays as shipped. */
export const testCatalog = extendCatalog(defaultCatalog(), { faults: [recordingFault, throwingFault, effectFault as FaultDef], probes: [flipProbe, slowProbe, hangingProbe, brokenProbe], workloads: [stuckWorkload] });

export function bareStand(overrides: Partial<Stand> = {}): Stand {
  return {
    name: 'bare',
    driver: 'test',
    ref: 'bare',
    protected: false,
    capabilities: new Set(),
    unsupported: new Map(),
    close: async () => {},
    ...overrides,
  };
}
