/**
 * cmd: runs a command and checks its exit code, stdout text, or a JSON value in its
 * stdout (e.g. `tofu plan -detailed-exitcode` exits 0; `active diskful count == 2`).
 * The command gets the stand's coordinates in its environment; output shown in the
 * record is scrubbed of the stand's secrets. A command that cannot start makes the
 * probe unknown; one that times out is a failed observation.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Context, JsonValue, ProbeDef } from '../core/contracts.js';
import { FaultlineError } from '../core/errors.js';
import { standEnv, standSecrets } from '../core/stand-env.js';
import { parseCommandString, runChild, tailOf, type ChildResult } from '../core/child.js';
import { formatDuration, mustDuration } from '../core/units.js';
import { query } from '../measure/jsonpath.js';
import { durationSchema } from '../spec/fragments.js';

export interface CmdSpec {
  /** a string runs through the shell unless `shell: false`; an array runs without one */
  run: string | string[];
  shell?: boolean;
  timeout: string;
  cwd?: string;
  env?: Record<string, string>;
  exit?: number | 'nonzero';
  stdout?: { contains?: string; matches?: string };
  json?: { path: string; equals?: JsonValue; min?: number; max?: number };
}

function argv(s: CmdSpec): { file: string; args: string[]; shell: boolean } {
  if (Array.isArray(s.run)) return s.shell ? { file: s.run.join(' '), args: [], shell: true } : { file: s.run[0]!, args: s.run.slice(1), shell: false };
  if (s.shell === false) {
    const [file, ...args] = parseCommandString(s.run);
    return { file: file!, args, shell: false };
  }
  return { file: s.run, args: [], shell: true };
}

function shownCommand(s: CmdSpec): string {
  const text = Array.isArray(s.run) ? s.run.join(' ') : s.run;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Checks the JSON expectation; returns [ok, text]. */
function checkJson(j: NonNullable<CmdSpec['json']>, stdout: string): [boolean, string, JsonValue | undefined] {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    return [false, 'stdout is not JSON', undefined];
  }
  const matches = query(j.path, doc);
  if (!matches.length) return [false, `${j.path} matched nothing`, undefined];
  const v = matches[0] as JsonValue;
  const wants: string[] = [];
  let ok = true;
  if (j.equals !== undefined) {
    wants.push(`== ${JSON.stringify(j.equals)}`);
    ok &&= isDeepStrictEqual(v, j.equals);
  }
  if (j.min !== undefined || j.max !== undefined) {
    if (j.min !== undefined) wants.push(`>= ${j.min}`);
    if (j.max !== undefined) wants.push(`<= ${j.max}`);
    ok &&= typeof v === 'number' && (j.min === undefined || v >= j.min) && (j.max === undefined || v <= j.max);
  }
  const shown = JSON.stringify(v);
  return [ok, `${j.path} = ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}${wants.length ? ` (want ${wants.join(' and ')})` : ''}`, v];
}

const probe: ProbeDef<CmdSpec> = {
  kind: 'cmd',
  summary: 'run a command; check its exit code, stdout text, or a JSON path in its stdout',
  requires: [],
  schema: {
    type: 'object',
    required: ['run', 'timeout'],
    additionalProperties: false,
    properties: {
      run: { oneOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string' }, minItems: 1 }] },
      shell: { type: 'boolean' },
      timeout: durationSchema,
      cwd: { type: 'string' },
      env: { type: 'object', additionalProperties: { type: 'string' } },
      exit: { oneOf: [{ type: 'integer', minimum: 0, maximum: 255 }, { const: 'nonzero' }] },
      stdout: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: { contains: { type: 'string' }, matches: { type: 'string', minLength: 1 } },
      },
      json: {
        type: 'object',
        required: ['path'],
        additionalProperties: false,
        properties: { path: { type: 'string', minLength: 1 }, equals: {}, min: { type: 'number' }, max: { type: 'number' } },
      },
    },
  },
  describe: (s) => `\`${shownCommand(s)}\` exits ${s.exit ?? 0}${s.json ? `, ${s.json.path} checked` : ''}`,
  async evaluate(s, ctx: Context) {
    const timeoutMs = mustDuration(s.timeout);
    const { file, args, shell } = argv(s);
    let r: ChildResult;
    try {
      r = await runChild({
        file,
        args,
        shell,
        what: `cmd \`${shownCommand(s)}\``,
        timeoutMs,
        signal: ctx.signal,
        cwd: s.cwd,
        env: { ...standEnv(ctx.stand, ctx.scenarioDir, ctx.params), ...s.env },
        secrets: standSecrets(ctx.stand),
      });
    } catch (err) {
      // its own bound is a measurement; the step's deadline or a stop is not
      if (err instanceof FaultlineError && err.code === 'child-timeout') {
        return { ok: false, value: `timed out after ${formatDuration(timeoutMs)}`, data: { exit: null, timedOut: true, ms: timeoutMs } };
      }
      throw err;
    }
    const ms = Math.round(r.ms);
    const want = s.exit ?? 0;
    const exitOk = r.exitCode !== undefined && (want === 'nonzero' ? r.exitCode !== 0 : r.exitCode === want);
    const parts = [r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}${exitOk ? '' : ` (want ${want})`}`];
    let ok = exitOk;
    const stdout = String(r.stdout ?? '');
    if (s.stdout?.contains !== undefined) {
      const has = stdout.includes(s.stdout.contains);
      ok &&= has;
      if (!has) parts.push(`stdout lacks ${JSON.stringify(s.stdout.contains)}`);
    }
    if (s.stdout?.matches !== undefined) {
      const has = new RegExp(s.stdout.matches, 'm').test(stdout);
      ok &&= has;
      if (!has) parts.push(`stdout does not match /${s.stdout.matches}/`);
    }
    let measured: JsonValue | undefined;
    if (s.json) {
      const [jsonOk, text, v] = checkJson(s.json, stdout);
      ok &&= jsonOk;
      measured = v;
      parts.push(text);
    }
    parts.push(`in ${formatDuration(ms)}`);
    const data: Record<string, JsonValue> = { exit: r.exitCode ?? null, ms };
    if (measured !== undefined) data.value = measured;
    if (!ok) data.stderr = tailOf(r.stderr);
    return { ok, value: parts.join(', '), data };
  },
};

export default probe;
