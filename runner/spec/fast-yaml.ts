/**
 * The fast path of the scenario loader: js-yaml reads a file ~10x faster than yaml's
 * parseDocument, without positions. Its value is used only where yaml would give the same:
 * scalars resolve by yaml's YAML 1.2 core schema (the types below, yaml's own patterns),
 * and a file with anything the two could read differently (many aliases, a tag, a directive,
 * a complex, alias or null key, a flow end at a line's start) is left to yaml. A file
 * that fails here or in the checks is read again by yaml, so every problem shown is yaml's
 * and positioned as before (scenario/load.ts).
 */
import type { SourceDocument } from './yaml-document.js';
import { formatPath } from './yaml-document.js';
import { jsYaml } from './lazy-libs.js';

type Scalar = { test: RegExp; value: (s: string) => unknown };
// yaml 2's core schema (schema/core/*.js): null, bool, int (octal, decimal, hex), float (nan/inf, exponent, fixed),
// and the characters each type's forms can start with
const firstChars: Record<string, string> = { null: '~nN', bool: 'tTfF', int: '+-0123456789', float: '+-.0123456789' };
const coreScalars: Record<string, Scalar[]> = {
  null: [{ test: /^(?:~|[Nn]ull|NULL)?$/, value: () => null }],
  bool: [{ test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, value: (s) => s[0] === 't' || s[0] === 'T' }],
  int: [
    { test: /^0o[0-7]+$/, value: (s) => parseInt(s.slice(2), 8) },
    { test: /^[-+]?[0-9]+$/, value: (s) => parseInt(s, 10) },
    { test: /^0x[0-9a-fA-F]+$/, value: (s) => parseInt(s.slice(2), 16) },
  ],
  float: [
    { test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/, value: (s) => (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity) },
    { test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, value: parseFloat },
    { test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, value: parseFloat },
  ],
};

// the forms by first character: most plain scalars (every key) start with none of these
const byFirst = new Map<string, Scalar[]>();
for (const [name, forms] of Object.entries(coreScalars)) for (const c of firstChars[name]!) byFirst.set(c, [...(byFirst.get(c) ?? []), ...forms]);

// one implicit type, of a tag of its own: an explicit !!int in a file is then an unknown tag here, read by yaml
const coreTag = 'tag:faultline.fast:core';
let resolved: unknown;
/** js-yaml calls construct right after a resolve that matched: the value is kept in between. */
function resolveCore(s: string | null): boolean {
  if (!s) {
    resolved = null;
    return true;
  }
  const form = byFirst.get(s[0]!)?.find((f) => f.test.test(s));
  if (form) resolved = form.value(s);
  return form !== undefined;
}

let schema: unknown;
function coreSchema(): unknown {
  const { Type, FAILSAFE_SCHEMA } = jsYaml.get();
  return (schema ??= FAILSAFE_SCHEMA.extend({ implicit: [new Type(coreTag, { kind: 'scalar', resolve: resolveCore, construct: () => resolved })] }));
}

/**
 * What the fast path leaves to yaml, seen in the text (a hit in a string only costs speed):
 * a directive; `]` or `}` before `:` (a flow collection as key) or first on a line (yaml
 * warns when a flow collection ends less indented than its parent); `?` (an explicit key,
 * perhaps a mapping or list); an anchor or alias with `:` in its name (yaml warns) or an
 * alias as a key (yaml refuses it). The last two patterns run only when their character is there.
 */
const leftToYaml = /^%|[\]}][ \t]*:(?:[ \t]|$)|^[ \t]*[\]}]/m;
const explicitKey = /(?:^|[\s,[{])\?(?:[ \t]|$)/m;
const oddAlias = /(?:^|[\s,[{])(?:[&*][^\s,[\]{}]*:|\*[^\s,[\]{}]+[ \t]+:(?:[ \t]|$))/m;

/**
 * Every alias starts a token like this (so a count of these is never below the aliases').
 * yaml refuses a file when an anchor's uses times the aliases inside it pass 100; with at
 * most 12 aliases no product of use counts passes 100 (3*3*3*3), so yaml accepts what js-yaml does.
 */
const aliasToken = /(?:^|[\s,[{])\*[^\s,[\]{}]/gm;
const maxAliases = 12;

/** Longest implicit key yaml accepts. */
const maxKeyLength = 1024;

/** A key yaml would read differently: null (yaml: ''), a mapping (js-yaml: '[object Object]'), an over-long one. */
const badKey = (k: string) => k === 'null' || k === '[object Object]' || k.length > maxKeyLength;

/** Whether a parsed value holds a bad key or a cycle (an alias inside its anchor); shared nodes are walked once. */
function odd(value: unknown, inside = new Set<object>(), done = new WeakSet<object>()): boolean {
  if (value === null || typeof value !== 'object' || done.has(value)) return false;
  if (inside.has(value)) return true;
  inside.add(value);
  const found = Array.isArray(value) ? value.some((v) => odd(v, inside, done)) : Object.entries(value).some(([k, v]) => badKey(k) || odd(v, inside, done));
  inside.delete(value);
  done.add(value);
  return found;
}

/** The same for a file without aliases: a tree, no node shared, no cycle. */
function oddKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const v of value) if (oddKey(v)) return true;
    return false;
  }
  for (const k in value) if (badKey(k) || oddKey((value as Record<string, unknown>)[k])) return true;
  return false;
}

/**
 * The file's value read by the fast parser, or undefined when yaml must read it (a syntax
 * error, or anything above). Its problems carry no position: the loader shows only yaml's.
 */
export function fastDocument(file: string, text: string): SourceDocument | undefined {
  const aliases = text.includes('*');
  if (leftToYaml.test(text) || (text.includes('?') && explicitKey.test(text))) return undefined;
  if ((aliases || text.includes('&')) && oddAlias.test(text)) return undefined;
  if (aliases && (text.match(aliasToken)?.length ?? 0) > maxAliases) return undefined;
  let tagged = false;
  let value: unknown;
  try {
    value = jsYaml.get().load(text, {
      schema: coreSchema(),
      filename: file,
      // an explicit tag, `!` included
      listener: (event, state) => {
        if (event === 'close' && state.tag !== null && state.tag !== '?' && state.tag !== coreTag) tagged = true;
      },
    });
  } catch {
    return undefined;
  }
  if (tagged || (aliases ? odd(value) : oddKey(value))) return undefined;
  return {
    file,
    value,
    position: () => undefined,
    problem: (path, message) => ({ file, path: formatPath(path), message }),
  };
}
