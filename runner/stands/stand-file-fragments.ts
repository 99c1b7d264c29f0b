/**
 * Stand file fields that belong to the scenario language rather than to a stand kind:
 * `spec.params` (values for the scenarios' params) and `spec.limits` (blast-radius
 * limits). Kept apart from stand.schema.json so that schema can be generated from the
 * stand kinds; `withScenarioFields` adds these to it where the stand file is validated.
 */
import type { JsonSchema, JsonValue } from '../core/contracts.js';
import { parsePercent } from '../core/units.js';
import { percentSchema } from '../scenario/fragments.js';
import type { StandLimits, LimitName } from '../scenario/limits.js';
import type { ParamSetting } from '../scenario/params.js';
import { formatPath, type SourceDocument } from '../scenario/yaml-document.js';

export const standParamsSchema: JsonSchema = {
  type: 'object',
  description: "values for the scenarios' spec.params on this stand (--param wins); a scenario that does not declare one ignores it",
  additionalProperties: { type: ['string', 'number', 'boolean', 'array'], items: { type: 'string' } },
};

export const standLimitsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'blast-radius limits: a scenario that could exceed one is refused by validate --stand, plan and run',
  properties: {
    maxNodesDown: { type: 'integer', minimum: 0, description: 'node faults (power-off, kill, stop, pause, reboot, drain, partition) active at once' },
    maxPodsDown: { ...percentSchema, description: "share of one workload's pods a fault may remove at once (pods.killAll and a scale to 0 are 100%)" },
    allowNodes: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'the only nodes faults may touch' },
    allowNamespaces: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'the only namespaces faults may touch; * matches any run of characters' },
  },
};

/** The stand schema with spec.params and spec.limits added. */
export function withScenarioFields(standSchema: JsonSchema): JsonSchema {
  const copy = structuredClone(standSchema) as { properties: { spec: { properties: Record<string, JsonSchema> } } };
  copy.properties.spec.properties.params = standParamsSchema;
  copy.properties.spec.properties.limits = standLimitsSchema;
  return copy as unknown as JsonSchema;
}

export interface StandSettings {
  file: string;
  name: string;
  params: Map<string, ParamSetting>;
  limits?: StandLimits;
}

/** Params and limits of a stand file that has passed the schema, with their positions. */
export function standSettings(doc: SourceDocument): StandSettings {
  const value = doc.value as { metadata: { name: string }; spec?: { params?: Record<string, JsonValue>; limits?: Record<string, unknown> } };
  const params = new Map<string, ParamSetting>();
  for (const [name, v] of Object.entries(value.spec?.params ?? {})) {
    const path = ['spec', 'params', name];
    params.set(name, { value: v, file: doc.file, ...doc.position(path), path: formatPath(path) });
  }
  const raw = value.spec?.limits;
  let limits: StandLimits | undefined;
  if (raw) {
    const at: StandLimits['at'] = {};
    for (const k of Object.keys(raw) as LimitName[]) at[k] = doc.position(['spec', 'limits', k]);
    limits = {
      file: doc.file,
      stand: value.metadata.name,
      maxNodesDown: raw.maxNodesDown as number | undefined,
      maxPodsDown: raw.maxPodsDown === undefined ? undefined : parsePercent(raw.maxPodsDown as string),
      allowNodes: raw.allowNodes as string[] | undefined,
      allowNamespaces: raw.allowNamespaces as string[] | undefined,
      at,
    };
  }
  return { file: doc.file, name: value.metadata.name, params, limits };
}
