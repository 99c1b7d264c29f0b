/**
 * yaml and ajv, loaded when first used (see core/lazy-module.ts): `--help` builds the
 * catalog, whose stand files reach these, yet parses and validates nothing.
 */
import type * as Yaml from 'yaml';
import type * as Ajv from 'ajv/dist/2020.js';
import { lazyModule } from '../core/lazy-module.js';

const yaml = lazyModule<typeof Yaml>('yaml');
export const LineCounter = yaml.value('LineCounter');
export const parseDocument = yaml.value('parseDocument');
export const stringify = yaml.value('stringify');
export const isAlias = yaml.value('isAlias');
export const isCollection = yaml.value('isCollection');
export const isMap = yaml.value('isMap');
export const isPair = yaml.value('isPair');
export const isScalar = yaml.value('isScalar');
export const isSeq = yaml.value('isSeq');
export const visit = yaml.value('visit');

const ajv = lazyModule<typeof Ajv>('ajv/dist/2020.js');

const standalone = lazyModule<{ default: (ajv: Ajv.Ajv2020, validate: Ajv.ValidateFunction) => string }>('ajv/dist/standalone/index.js');
/** The source of a validator compiled with `code: { source: true }`, as a CommonJS module (`npm run schema`). */
export const standaloneCode = (ajv: Ajv.Ajv2020, validate: Ajv.ValidateFunction): string => standalone.get().default(ajv, validate);

/** An Ajv for JSON Schema 2020-12 with these options, made on the first call. */
export function lazyAjv(options: Ajv.Options): () => Ajv.Ajv2020 {
  let made: Ajv.Ajv2020 | undefined;
  return () => (made ??= new (ajv.get().Ajv2020)(options));
}

/** js-yaml's load, the fast parser of spec/fast-yaml.ts (no positions). */
export interface JsYaml {
  load(text: string, opts: { schema: unknown; filename?: string; listener?: (event: 'open' | 'close', state: { tag: string | null; anchor: string | null }) => void }): unknown;
  Type: new (tag: string, opts: { kind: 'scalar'; resolve: (data: string | null) => boolean; construct: (data: string | null) => unknown }) => unknown;
  FAILSAFE_SCHEMA: { extend(types: { implicit: unknown[] }): unknown };
}
export const jsYaml = lazyModule<JsYaml>('js-yaml');
