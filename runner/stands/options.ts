/**
 * A stand kind's `up` options: the CLI flags built from its options schema, and the
 * check of what was given (flags or a stand file's spec.options). Unknown or mistyped
 * options are errors, never ignored.
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { lazyAjv } from '../spec/lazy-libs.js';
import type { JsonSchema } from '../core/contracts.js';
import type { StandKind } from '../core/stand-kind.js';
import { ExitCode, FaultlineError } from '../core/errors.js';

export interface OptionFlag {
  /** property name in the schema */
  key: string;
  /** --drive-size <value> */
  flags: string;
  description: string;
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export const flagOf = (key: string): string => `--${kebab(key)}`;

function propertiesOf(kind: StandKind): Record<string, JsonSchema> {
  return (kind.options.properties ?? {}) as Record<string, JsonSchema>;
}

/** One flag per option of every kind; a name two kinds share is one flag. */
export function optionFlags(kinds: Iterable<StandKind>): OptionFlag[] {
  const byKey = new Map<string, OptionFlag & { kinds: string[] }>();
  for (const kind of kinds) {
    for (const [key, schema] of Object.entries(propertiesOf(kind))) {
      const known = byKey.get(key);
      if (known) {
        known.kinds.push(kind.name);
        continue;
      }
      const value = schema.type === 'boolean' ? '' : schema.type === 'integer' ? ' <n>' : ' <value>';
      const dflt = schema.default === undefined ? '' : ` (default ${String(schema.default)})`;
      byKey.set(key, { key, flags: `${flagOf(key)}${value}`, description: `${String(schema.description ?? '')}${dflt}`, kinds: [kind.name] });
    }
  }
  return [...byKey.values()].map(({ kinds, ...f }) => ({ ...f, description: `${kinds.join(', ')}: ${f.description}` }));
}

const ajv = lazyAjv({ allErrors: true, strict: false, verbose: true, coerceTypes: true, useDefaults: true });
const compiled = new WeakMap<StandKind, ValidateFunction>();

/**
 * Checks options for `kind` (coercing "3" to 3 where the schema wants a number) and fills
 * in defaults; `via` says where they came from, for the error ("flags", a stand file).
 */
export function checkOptions(kind: StandKind, given: Record<string, unknown>, via: 'flags' | string): Record<string, unknown> {
  const named = (key: string) => (via === 'flags' ? flagOf(key) : `spec.options.${key}`);
  const known = propertiesOf(kind);
  const problems = Object.keys(given)
    .filter((k) => !(k in known))
    .map((k) => `${named(k)} is not an option of stand kind ${kind.name}`);
  let validate = compiled.get(kind);
  if (!validate) compiled.set(kind, (validate = ajv().compile({ ...kind.options, additionalProperties: true })));
  const options = structuredClone(given);
  if (!validate(options)) {
    for (const e of validate.errors ?? []) {
      const key = e.instancePath.split('/')[1] ?? '';
      const hint = (e.parentSchema as Record<string, unknown> | undefined)?.['x-message'];
      problems.push(`${named(key)}: ${typeof hint === 'string' ? hint : e.message}`);
    }
  }
  if (problems.length) {
    const takes = Object.keys(known).map(flagOf).join(', ') || 'no options';
    throw new FaultlineError('stand-options', `stand ${kind.name}${via === 'flags' ? '' : ` (${via})`}: ${problems.join('; ')}`, {
      exitCode: ExitCode.invalidInput,
      hint: `stand kind ${kind.name} takes ${takes}; see faultline stand up --help`,
    });
  }
  return options;
}
