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

export const calls: string[] = [];
/** journal path the recording fault checks for its own entry before injecting */
export const journalPath = { current: '' };
/** epoch ms after which `test.flip` passes */
export const flipAt = { current: 0 };

const recordingFault: FaultDef<{ label: string; failRevert?: boolean }, { label: string; failRevert: boolean }> = {
  kind: 'test.record',
  summary: 'test only: records inject/revert',
  schema: { type: 'object', properties: { label: { type: 'string' }, failRevert: { type: 'boolean' } }, required: ['label'], additionalProperties: false },
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

/** The real kinds plus these; the default catalog stays as shipped. */
export const testCatalog = extendCatalog(defaultCatalog(), { faults: [recordingFault, throwingFault], probes: [flipProbe, slowProbe, brokenProbe] });

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
