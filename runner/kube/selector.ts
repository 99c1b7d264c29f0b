/** Label selectors: scenario form -> API string, LabelSelector objects -> string, and matching. */
import { FaultlineError } from '../core/errors.js';

/** Scenario form: "app=x,tier in (a,b)" or { app: x } (matchLabels). */
export type SelectorSpec = string | Record<string, string>;

export const selectorSchema = {
  description: 'label selector: "app=x,tier in (a,b)" or a map of labels',
  oneOf: [
    { type: 'string', minLength: 1 },
    { type: 'object', minProperties: 1, additionalProperties: { type: 'string' } },
  ],
};

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function selectorString(s: SelectorSpec): string {
  if (typeof s === 'string') return s.trim();
  return Object.entries(s)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** API string of a workload's or PDB's selector. An empty selector selects everything (""). */
export function labelSelectorString(sel: LabelSelector): string {
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
      default:
        throw new FaultlineError('kube-selector', `unknown selector operator ${e.operator}`);
    }
  }
  return parts.join(',');
}

/** Whether `labels` satisfy a LabelSelector object (policy/v1 semantics: empty selects all). */
export function selectorMatches(sel: LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
  if (!sel) return false;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    const ok =
      e.operator === 'In' ? inValues : e.operator === 'NotIn' ? !inValues : e.operator === 'Exists' ? has : e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}
