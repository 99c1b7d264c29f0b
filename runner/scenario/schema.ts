/**
 * The scenario JSON Schema, built from a catalog's fault, probe and workload kinds so
 * that every kind's spec is checked (and completed by editors). The checked-in
 * scenario.schema.json is generated from the default catalog (`npm run schema`); a test
 * keeps them equal.
 */
import type { JsonSchema } from '../core/contracts.js';
import type { Catalog } from '../core/catalog.js';
import { durationSchema, nameSchema, percentSchema } from '../spec/fragments.js';
import { paramsSchema } from './params.js';

function oneKindOf(defs: ReadonlyMap<string, { schema: JsonSchema; summary: string }>, what: string): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [kind, def] of [...defs].sort(([a], [b]) => a.localeCompare(b))) {
    properties[kind] = { description: def.summary, ...def.schema };
  }
  return {
    type: 'object',
    description: `one ${what}: { <kind>: <spec> }`,
    minProperties: 1,
    maxProperties: 1,
    'x-message': `must name exactly one ${what} kind`,
    propertyNames: Object.keys(properties).length ? { enum: Object.keys(properties) } : false,
    properties,
  };
}

const built = new WeakMap<Catalog, JsonSchema>();

/** Built once per catalog (and compiled once by validateAgainst). */
export function scenarioSchema(catalog: Catalog): JsonSchema {
  let s = built.get(catalog);
  if (!s) built.set(catalog, (s = buildSchema(catalog)));
  return s;
}

function buildSchema({ faults, probes, workloads }: Catalog): JsonSchema {
  const probe = oneKindOf(probes, 'probe');
  const trigger: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    description: 'when the step starts: after a delay, or at a workload\'s progress',
    properties: {
      after: durationSchema,
      workload: { type: 'string' },
      progress: percentSchema,
    },
  };
  const gate: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'probe'],
    properties: {
      name: { type: 'string', minLength: 1 },
      probe,
      expect: { enum: ['pass', 'fail'], description: 'fail: the gate passes when the probe observes a failure (default pass)' },
      within: { ...durationSchema, description: 'evaluate until it passes or the bound expires; records the time it took' },
      since: { type: 'string', description: 'measure `within` from the end of the step with this id' },
      during: {
        type: 'object',
        additionalProperties: false,
        required: ['window', 'min'],
        properties: { window: durationSchema, min: percentSchema, every: durationSchema },
        description: 'sample continuously over the window; passes when the share of passing samples >= min',
      },
    },
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://faultline.dev/schemas/scenario.schema.json',
    title: 'faultline scenario',
    type: 'object',
    additionalProperties: false,
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { const: 'faultline/v1' },
      kind: { const: 'Scenario' },
      metadata: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: nameSchema,
          description: { type: 'string' },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
      spec: {
        type: 'object',
        additionalProperties: false,
        required: ['steps'],
        properties: {
          params: paramsSchema,
          requires: {
            type: 'array',
            items: { enum: ['s3', 'nodes', 'network', 'disk', 'kernel', 'kubernetes', 'metrics'] },
            description: 'stand capabilities; a stand lacking one skips the run with the reason',
          },
          repeat: { type: 'integer', minimum: 1, maximum: 1000 },
          timeout: durationSchema,
          continueOnFailure: { type: 'boolean', description: 'keep going after a failed gate (default: stop, revert, record)' },
          workloads: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name'],
              minProperties: 2,
              maxProperties: 2,
              properties: { name: nameSchema, ...(oneKindOf(workloads, 'workload').properties as Record<string, JsonSchema>) },
              propertyNames: { enum: ['name', ...workloads.keys()] },
              'x-message': 'must be { name: <name>, <workload kind>: <spec> }',
            },
          },
          steps: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              description: 'exactly one of gate, fault, revert, wait, action; optionally when (and id for a fault)',
              properties: {
                gate,
                fault: oneKindOf(faults, 'fault'),
                id: { ...nameSchema, description: 'names a fault step for revert and gate.since' },
                revert: { type: 'string', description: 'a fault kind or step id; the newest matching injection is reverted' },
                wait: durationSchema,
                action: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['run'],
                  properties: {
                    name: { type: 'string' },
                    run: { type: 'string', minLength: 1, description: 'a shell command' },
                    timeout: durationSchema,
                    exit: { type: 'integer', description: 'expected exit code (default 0)' },
                  },
                },
                when: trigger,
                if: { type: 'boolean', description: 'false leaves the step out (usually ${{ params.<name> }}); a revert of a left-out fault is left out too' },
              },
            },
          },
        },
      },
    },
  };
}
