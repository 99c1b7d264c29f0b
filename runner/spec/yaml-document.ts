/**
 * YAML parsing with source positions, and JSON Schema validation whose every
 * problem is reported as file:line:col plus the path inside the document.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Node, Document } from 'yaml';
import type { ErrorObject, Options, ValidateFunction } from 'ajv/dist/2020.js';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, isPair, isAlias, isCollection, visit, lazyAjv, standaloneCode } from './lazy-libs.js';
import type { InputProblem } from '../core/errors.js';
import type { JsonSchema } from '../core/contracts.js';
import { packageRoot } from '../core/files.js';

export interface SourceDocument {
  file: string;
  value: unknown;
  /** position of the value at a path like ['spec', 'steps', 2, 'within'], or of its key with `atKey` */
  position(path: (string | number)[], atKey?: boolean): { line: number; col: number } | undefined;
  problem(path: (string | number)[], message: string, atKey?: boolean): InputProblem;
}

export function formatPath(path: (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

const maxAliasCount = 100;

/** Parses YAML text; syntax errors come back as problems with positions. */
export function parseYaml(file: string, text: string): { doc?: SourceDocument; problems: InputProblem[] } {
  const lc = new LineCounter();
  // logLevel silent: yaml's warnings become problems here instead of lines on stderr
  const ydoc: Document = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, logLevel: 'silent' });
  const problems: InputProblem[] = [];
  for (const e of [...ydoc.errors, ...ydoc.warnings]) {
    const pos = lc.linePos(e.pos[0]);
    problems.push({ file, line: pos.line, col: pos.col, path: '', message: e.message.split('\n')[0]! });
  }
  if (problems.length) return { problems };
  const at = (node: Node | null | undefined) => {
    const p = lc.linePos(node?.range?.[0] ?? 0);
    return { file, line: p.line, col: p.col, path: '' };
  };
  // a mapping or list as a key has no JSON form (yaml would only warn and stringify it)
  visit(ydoc, {
    Pair(_, pair) {
      if (isCollection(pair.key) || isAlias(pair.key)) problems.push({ ...at(pair.key as Node), message: 'a key must be a plain value, not a mapping, list or alias' });
    },
  });
  if (problems.length) return { problems };
  let value: unknown;
  try {
    value = ydoc.toJS({ maxAliasCount: maxAliasCount });
  } catch (err) {
    // yaml refuses to expand aliases past the count (an alias bomb): point at the first alias
    let first: Node | undefined;
    visit(ydoc, { Alias: (_, n) => ((first = n), visit.BREAK) });
    return { problems: [{ ...at(first), message: `aliases expand too much (more than ${maxAliasCount} uses): ${(err as Error).message}` }] };
  }

  const position = (path: (string | number)[], atKey = false) => {
    let node: unknown = ydoc.contents;
    let last: Node | undefined = node as Node;
    for (const [i, key] of path.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
        if (!pair) break;
        last = (pair.key as Node) ?? last;
        node = pair.value;
        if (node && !(atKey && i === path.length - 1)) last = node as Node;
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
        if (node) last = node as Node;
        else break;
      } else break;
    }
    const start = last?.range?.[0];
    // a document holding only comments has no node at all: the problem is the file's start
    if (start === undefined) return path.length ? undefined : { line: 1, col: 1 };
    const p = lc.linePos(start);
    return { line: p.line, col: p.col };
  };
  const doc: SourceDocument = {
    file,
    value,
    position,
    problem: (path, message, atKey) => ({ file, ...position(path, atKey), path: formatPath(path), message }),
  };
  return { doc, problems };
}

/**
 * A file's text, or the problem that it cannot be read. Read synchronously: a few KB of
 * local file take microseconds, while fs/promises' open, fstat, read and close cost a
 * validate of 1,000 files ~0.3 s of CPU.
 */
export async function readSource(file: string): Promise<{ text?: string; problems: InputProblem[] }> {
  try {
    return { text: readFileSync(file, 'utf8'), problems: [] };
  } catch (err) {
    return { problems: [{ file, path: '', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }] };
  }
}

export async function readYaml(file: string): Promise<{ doc?: SourceDocument; problems: InputProblem[] }> {
  const { text, problems } = await readSource(file);
  return text === undefined ? { problems } : parseYaml(file, text);
}

const ajvOptions: Options = { allErrors: true, strict: false, allowUnionTypes: true, verbose: true };
const ajv = lazyAjv(ajvOptions);
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/**
 * Validators compiled ahead of time by `npm run schema`, one CommonJS file per schema named
 * by its fingerprint: compiling the scenario schema costs every CLI process ~0.4 s, loading
 * its compiled code ~30 ms. A schema without a file here (a test's own catalog, or one
 * changed since) is compiled as before; a unit test fails while the files are stale.
 */
export const precompiledDir = join(packageRoot(), 'runner', 'spec', 'precompiled');
const require = createRequire(import.meta.url);

/** Names the validator of a schema: sha256 of it (without $id) and the ajv options. */
export function schemaFingerprint(schema: JsonSchema): string {
  const { $id: _id, ...anonymous } = schema;
  return createHash('sha256').update(JSON.stringify({ ajvOptions, schema: anonymous })).digest('hex').slice(0, 32);
}

/** `npm run schema`: the file of a precompiled validator for `schema`, and its source. */
export function precompiledSource(schema: JsonSchema): { file: string; code: string } {
  const { $id: _id, ...anonymous } = schema;
  const source = lazyAjv({ ...ajvOptions, code: { source: true } })();
  return { file: join(precompiledDir, `${schemaFingerprint(schema)}.cjs`), code: standaloneCode(source, source.compile(anonymous)) };
}

function compile(schema: JsonSchema): ValidateFunction {
  const file = join(precompiledDir, `${schemaFingerprint(schema)}.cjs`);
  if (existsSync(file)) return require(file) as ValidateFunction;
  // several catalogs (tests build their own) make schemas with the same $id
  const { $id: _id, ...anonymous } = schema;
  return ajv().compile(anonymous);
}

function pathOf(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function messageFor(e: ErrorObject): { path: (string | number)[]; message: string; atKey?: boolean } {
  const path = pathOf(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { path: [...path, String(p.additionalProperty)], message: 'unknown field', atKey: true };
    case 'required':
      return { path, message: `missing required field "${String(p.missingProperty)}"` };
    case 'enum':
      return { path, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'pattern': {
      const desc = (e.parentSchema as Record<string, unknown> | undefined)?.['x-message'];
      return { path, message: typeof desc === 'string' ? desc : `must match ${String(p.pattern)}` };
    }
    default: {
      const desc = (e.parentSchema as Record<string, unknown> | undefined)?.['x-message'];
      return { path, message: typeof desc === 'string' ? desc : (e.message ?? 'is invalid') };
    }
  }
}

/** An error under propertyNames: the key itself is not one the schema knows. */
function unknownKey(e: ErrorObject): { path: (string | number)[]; message: string; atKey: boolean } {
  const allowed = ((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(String);
  const shown = allowed.length > 12 ? `${allowed.slice(0, 12).join(', ')}, …` : allowed.join(', ');
  return { path: [...pathOf(e.instancePath), e.propertyName!], message: `unknown kind "${e.propertyName}"${shown ? `; known: ${shown}` : ''}`, atKey: true };
}

/** Validates against a schema; returns every problem with positions (oneOf noise collapsed). */
export function validateAgainst(doc: SourceDocument, schema: JsonSchema): InputProblem[] {
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = compile(schema)));
  if (validate(doc.value)) return [];
  const seen = new Set<string>();
  const out: InputProblem[] = [];
  for (const e of validate.errors ?? []) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if' || e.keyword === 'propertyNames') continue;
    const { path, message, atKey } = e.propertyName !== undefined ? unknownKey(e) : messageFor(e);
    const key = `${formatPath(path)}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(doc.problem(path, message, atKey));
  }
  return out;
}
