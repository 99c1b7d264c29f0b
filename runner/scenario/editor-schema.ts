/**
 * The scenario schema as editors get it (scenario.schema.json): every value under spec,
 * but spec.params, may also be a `${{ params.<name> }}` reference, which the loader
 * resolves before it validates against the plain schema.
 */
import type { JsonSchema } from '../core/contracts.js';
import type { Catalog } from '../core/catalog.js';
import { scenarioSchema } from './schema.js';

const reference: JsonSchema = { type: 'string', pattern: '^\\s*\\$\\{\\{\\s*params\\.[a-zA-Z][a-zA-Z0-9_]*\\s*\\}\\}\\s*$', description: 'a param: ${{ params.<name> }}' };

const schemaMaps = ['properties', 'patternProperties', '$defs'];
const schemaLists = ['oneOf', 'anyOf', 'allOf', 'prefixItems'];
const schemaValues = ['additionalProperties', 'items', 'not', 'contains'];

/** Every subschema may instead be a reference (keys, i.e. propertyNames, stay as they are). */
function allowReferences(s: unknown): unknown {
  if (!s || typeof s !== 'object' || Array.isArray(s)) return s;
  const out: Record<string, unknown> = { ...(s as Record<string, unknown>) };
  for (const k of schemaMaps) {
    if (out[k]) out[k] = Object.fromEntries(Object.entries(out[k] as Record<string, unknown>).map(([n, v]) => [n, allowReferences(v)]));
  }
  for (const k of schemaLists) if (Array.isArray(out[k])) out[k] = (out[k] as unknown[]).map(allowReferences);
  for (const k of schemaValues) if (out[k] && typeof out[k] === 'object') out[k] = allowReferences(out[k]);
  return { ...(out.description ? { description: out.description } : {}), anyOf: [reference, out] };
}

export function editorSchema(catalog: Catalog): JsonSchema {
  const plain = structuredClone(scenarioSchema(catalog)) as { properties: { spec: { properties: Record<string, unknown> } } };
  const spec = plain.properties.spec.properties;
  for (const [k, v] of Object.entries(spec)) if (k !== 'params') spec[k] = allowReferences(v);
  return plain as unknown as JsonSchema;
}
