/**
 * Scenario parameters: `spec.params` declares named, typed values with defaults; a stand
 * file (`spec.params`) and `--param name=value` set them (default < stand file < --param).
 * `${{ params.name }}` anywhere under `spec` (except `spec.params`) refers to one: as a
 * whole value it keeps the parameter's type, inside a longer string it is interpolated.
 * References are resolved before the schema runs, so a resolved value is checked like a
 * written one and a problem in it is reported at the reference's position.
 */
import type { JsonSchema, JsonValue } from '../core/contracts.js';
import type { InputProblem } from '../core/errors.js';
import { parseDuration, parsePercent, parseSize } from '../core/units.js';
import { formatPath, type SourceDocument } from '../spec/yaml-document.js';

export const paramTypes = ['string', 'integer', 'number', 'boolean', 'duration', 'size', 'percent', 'list'] as const;
export type ParamType = (typeof paramTypes)[number];

export interface ParamDecl {
  type: ParamType;
  default: JsonValue;
  description?: string;
  enum?: JsonValue[];
}

/** Where a parameter's value came from, for `plan` and for problems. */
export type ParamSource = 'default' | 'stand' | 'cli';

export interface ResolvedParam {
  type: ParamType;
  value: JsonValue;
  source: ParamSource;
  description?: string;
}

/** A value set outside the scenario file, with where it was written. */
export interface ParamSetting {
  value: JsonValue;
  /** problem location: a stand file position, or `--param name=value` */
  file: string;
  line?: number;
  col?: number;
  path: string;
}

export interface ParamInputs {
  /** from the stand file's spec.params */
  stand?: ReadonlyMap<string, ParamSetting>;
  /** from --param, as written; typed by the declaration */
  cli?: ReadonlyMap<string, string>;
}

export const paramNameRe = /^[a-zA-Z][a-zA-Z0-9_]*$/;

export const paramsSchema: JsonSchema = {
  type: 'object',
  description: 'named, typed values the steps and workloads refer to as ${{ params.<name> }}; a stand file or --param sets them',
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    required: ['type', 'default'],
    properties: {
      type: { enum: [...paramTypes] },
      default: { description: 'the value when neither the stand file nor --param sets one' },
      description: { type: 'string' },
      enum: { type: 'array', minItems: 1, description: 'the only values allowed' },
    },
  },
};

/** Why `value` is not of `type`, or undefined when it is. */
export function typeProblem(decl: Pick<ParamDecl, 'type' | 'enum'>, value: unknown): string | undefined {
  const t = decl.type;
  const ok = (() => {
    switch (t) {
      case 'string':
        return typeof value === 'string';
      case 'integer':
        return Number.isInteger(value);
      case 'number':
        return typeof value === 'number' && Number.isFinite(value);
      case 'boolean':
        return typeof value === 'boolean';
      case 'duration':
        return typeof value === 'string' && parseDuration(value) !== undefined;
      case 'size':
        return (typeof value === 'string' || typeof value === 'number') && parseSize(value) !== undefined;
      case 'percent':
        return typeof value === 'string' && parsePercent(value) !== undefined;
      case 'list':
        return Array.isArray(value) && value.every((v) => typeof v === 'string');
    }
  })();
  const examples: Record<ParamType, string> = {
    string: 'a string',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    duration: 'a duration like 30s',
    size: 'a size like 64MiB',
    percent: 'a percentage like 45%',
    list: 'a list of strings',
  };
  if (!ok) return `must be ${examples[t]} (param type ${t}), got ${JSON.stringify(value)}`;
  if (decl.enum && !decl.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    return `must be one of ${decl.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(value)}`;
  }
  return undefined;
}

/** `--param name=value` text to the parameter's type (lists: comma-separated). */
export function fromText(type: ParamType, text: string): JsonValue {
  switch (type) {
    case 'integer':
    case 'number':
      return /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'size':
      return /^\d+$/.test(text) ? Number(text) : text;
    case 'list':
      return text.trim() === '' ? [] : text.split(',').map((s) => s.trim());
    default:
      return text;
  }
}

/** Parses `--param` flags; a flag without `=` is a problem, not a throw. */
export function parseParamFlags(flags: string[]): { values: Map<string, string>; problems: InputProblem[] } {
  const values = new Map<string, string>();
  const problems: InputProblem[] = [];
  for (const f of flags) {
    const eq = f.indexOf('=');
    const name = f.slice(0, eq);
    if (eq <= 0 || !paramNameRe.test(name)) problems.push({ file: `--param ${f}`, path: '', message: 'expected <name>=<value>, e.g. --param node=node2' });
    else values.set(name, f.slice(eq + 1));
  }
  return { values, problems };
}

/** The declared params with their values in effect; problems for ill-typed values. */
/** The values in effect, by name: what the engine hands to commands. */
export function paramValues(params: Readonly<Record<string, ResolvedParam>> | undefined): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(params ?? {}).map(([k, p]) => [k, p.value]));
}

export function resolveParams(doc: SourceDocument, inputs: ParamInputs, problems: InputProblem[]): Map<string, ResolvedParam> {
  const out = new Map<string, ResolvedParam>();
  const declared = ((doc.value as { spec?: { params?: unknown } }).spec?.params ?? {}) as Record<string, ParamDecl>;
  for (const [name, decl] of Object.entries(declared)) {
    if (!paramNameRe.test(name)) {
      problems.push(doc.problem(['spec', 'params', name], 'a param name is letters, digits and _, starting with a letter', true));
      continue;
    }
    const bad = typeProblem(decl, decl.default);
    if (bad) problems.push(doc.problem(['spec', 'params', name, 'default'], bad));
    let r: ResolvedParam = { type: decl.type, value: decl.default, source: 'default', description: decl.description };
    const fromStand = inputs.stand?.get(name);
    if (fromStand) {
      const why = typeProblem(decl, fromStand.value);
      if (why) problems.push({ file: fromStand.file, line: fromStand.line, col: fromStand.col, path: fromStand.path, message: `${why} (declared in ${doc.file})` });
      r = { ...r, value: fromStand.value, source: 'stand' };
    }
    const text = inputs.cli?.get(name);
    if (text !== undefined) {
      const value = fromText(decl.type, text);
      const why = typeProblem(decl, value);
      if (why) problems.push({ file: `--param ${name}=${text}`, path: '', message: `${why} (declared in ${doc.file})` });
      r = { ...r, value, source: 'cli' };
    }
    out.set(name, r);
  }
  return out;
}

const refRe = /\$\{\{([^}]*)\}\}/g;
const wholeRe = /^\s*\$\{\{([^}]*)\}\}\s*$/;
const innerRe = /^\s*params\.([a-zA-Z][a-zA-Z0-9_]*)\s*$/;

/**
 * Replaces every reference under `spec` (but `spec.params`) in doc.value, in place.
 * Returns the paths whose whole value came from a param, for annotating problems.
 */
export function substituteReferences(doc: SourceDocument, params: ReadonlyMap<string, ResolvedParam>, problems: InputProblem[]): Map<string, string> {
  const origins = new Map<string, string>();
  const lookup = (inner: string, path: (string | number)[]): ResolvedParam | undefined => {
    const m = innerRe.exec(inner);
    if (!m) {
      problems.push(doc.problem([...path], `unknown reference "\${{${inner}}}": write \${{ params.<name> }}`));
      return undefined;
    }
    const p = params.get(m[1]!);
    if (!p) {
      const known = [...params.keys()];
      problems.push(doc.problem([...path], `unresolved reference: no param "${m[1]}" in spec.params${known.length ? ` (declared: ${known.join(', ')})` : ''}`));
    }
    return p;
  };
  const visit = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('${{')) return value;
      const whole = wholeRe.exec(value);
      if (whole) {
        const p = lookup(whole[1]!, path);
        if (p) origins.set(formatPath(path), innerRe.exec(whole[1]!)![1]!);
        return p ? p.value : value;
      }
      const out = value.replace(refRe, (text, inner: string) => {
        const p = lookup(inner, path);
        if (!p) return text;
        if (Array.isArray(p.value) || (p.value !== null && typeof p.value === 'object')) {
          problems.push(doc.problem([...path], `params.${innerRe.exec(inner)![1]} is a ${p.type}: use it as a whole value, not inside a string`));
          return text;
        }
        return String(p.value);
      });
      if (out.replace(refRe, '').includes('${{')) problems.push(doc.problem([...path], 'unclosed reference: write ${{ params.<name> }}'));
      return out;
    }
    // one path array, extended and shortened in place (a problem takes a copy): no array per node
    if (Array.isArray(value)) {
      return value.map((v, i) => {
        path.push(i);
        const out = visit(v, path);
        path.pop();
        return out;
      });
    }
    if (value && typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      for (const key of Object.keys(obj)) {
        path.push(key);
        if (key.includes('${{')) problems.push(doc.problem([...path], 'a reference goes in a value, not in a key', true));
        obj[key] = visit(obj[key], path);
        path.pop();
      }
      return obj;
    }
    return value;
  };
  const root = doc.value as Record<string, unknown>;
  const spec = root.spec as Record<string, unknown>;
  for (const key of Object.keys(spec)) if (key !== 'params') spec[key] = visit(spec[key], ['spec', key]);
  // anywhere else a reference would silently stay text
  const stray = (value: unknown, path: (string | number)[]): void => {
    if (typeof value === 'string' && value.includes('${{')) problems.push(doc.problem(path, 'references work under spec only (not in metadata or spec.params)'));
    else if (Array.isArray(value)) value.forEach((v, i) => stray(v, [...path, i]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) stray(v, [...path, k]);
  };
  for (const key of Object.keys(root)) if (key !== 'spec') stray(root[key], [key]);
  stray(spec.params, ['spec', 'params']);
  return origins;
}

/** Adds "(from params.x)" to a problem whose path lies at or below a substituted value. */
export function annotateOrigins(problems: InputProblem[], origins: ReadonlyMap<string, string>, params: ReadonlyMap<string, ResolvedParam>): InputProblem[] {
  if (!origins.size) return problems;
  return problems.map((p) => {
    for (const [path, name] of origins) {
      if (p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`)) {
        const r = params.get(name)!;
        return { ...p, message: `${p.message} (from params.${name} = ${JSON.stringify(r.value)}, set by ${r.source === 'cli' ? '--param' : r.source === 'stand' ? 'the stand file' : 'its default'})` };
      }
    }
    return p;
  });
}
