/** k8s.jsonPath: any field of any object, by JSON path, equals a value or lies within bounds. */
import type { JsonValue } from '../core/contracts.js';
import { isDeepStrictEqual } from 'node:util';
import { byName, kubeProbe } from '../kube/probe-kit.js';
import { resourcePath } from '../kube/resources.js';
import { query } from '../measure/jsonpath.js';

export interface JsonPathSpec {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** `{.status.readyReplicas}`, `.status.readyReplicas` or `$.status.readyReplicas` */
  path: string;
  /** compare the number of matches instead of the value (for filters) */
  count?: boolean;
  equals?: JsonValue;
  min?: number;
  max?: number;
}

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function looselyEqual(a: unknown, b: unknown): boolean {
  if (isDeepStrictEqual(a, b)) return true;
  return (typeof a === 'string') !== (typeof b === 'string') && (typeof a !== 'object' && typeof b !== 'object') && String(a) === String(b);
}

function describeWant(s: JsonPathSpec): string {
  const parts: string[] = [];
  if (s.equals !== undefined) parts.push(`== ${JSON.stringify(s.equals)}`);
  if (s.min !== undefined) parts.push(`>= ${s.min}`);
  if (s.max !== undefined) parts.push(`<= ${s.max}`);
  return parts.join(' and ') || 'exists';
}

export default kubeProbe<JsonPathSpec>(
  {
    kind: 'k8s.jsonPath',
    summary: 'a field of any Kubernetes object, by JSON path: equals a value, or lies within min/max (count: number of matches)',
    schema: {
      type: 'object',
      required: ['apiVersion', 'kind', 'name', 'path'],
      additionalProperties: false,
      properties: {
        apiVersion: { type: 'string', minLength: 1 },
        kind: { type: 'string', minLength: 1 },
        namespace: { type: 'string', minLength: 1 },
        name: { type: 'string', minLength: 1 },
        path: { type: 'string', minLength: 1 },
        count: { type: 'boolean' },
        equals: {},
        min: { type: 'number' },
        max: { type: 'number' },
      },
      not: { anyOf: [{ required: ['equals', 'min'] }, { required: ['equals', 'max'] }] },
    },
    describe: (s) => `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name} ${s.count ? 'count of ' : ''}${s.path} ${describeWant(s)}`,
  },
  {
    source: async (s, kube, signal) => ({ path: await resourcePath(kube.kc, s, signal), fieldSelector: byName(s.name) }),
    judge: (s, objects) => {
      const obj = objects[0];
      const where = `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`;
      if (!obj) return { ok: false, value: `${where} not found` };
      const matches = query(s.path, obj);
      const value: unknown = s.count ? matches.length : matches.length === 1 ? matches[0] : matches.length ? matches : undefined;
      const shown = value === undefined ? 'no match' : JSON.stringify(value).slice(0, 200);
      let ok = value !== undefined;
      if (s.equals !== undefined) ok = ok && looselyEqual(value, s.equals);
      if (s.min !== undefined || s.max !== undefined) {
        const v = numeric(value);
        ok = ok && v !== undefined && (s.min === undefined || v >= s.min) && (s.max === undefined || v <= s.max);
      }
      return { ok, value: `${s.path} = ${shown} (want ${describeWant(s)})`, data: { value: (value ?? null) as JsonValue } };
    },
  },
);
