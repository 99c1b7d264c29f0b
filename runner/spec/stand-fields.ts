/**
 * Stand file fields that belong to the scenario language rather than to a stand kind:
 * `spec.params` (values for the scenarios' params) and `spec.limits` (blast-radius limits).
 */
import type { JsonSchema } from '../core/contracts.js';
import { percentSchema } from './fragments.js';

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
