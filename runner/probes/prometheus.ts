/** prometheus: an instant PromQL query against a Prometheus HTTP API; every sample must meet the expectation. */
import type { Context, Observation, ProbeDef } from '../core/contracts.js';
import { FaultlineError, UnsupportedError } from '../core/errors.js';
import { describeExpect, expectHolds, expectSchema, ifEmptySchema } from '../measure/expect.js';
import type { Expect, IfEmpty } from '../measure/expect.js';
import { httpGet } from '../measure/http-get.js';

export interface PrometheusSpec {
  /** Prometheus base URL; default: the stand's metrics URL */
  url?: string;
  query: string;
  expect: Expect;
  ifEmpty?: IfEmpty;
}

interface QueryAnswer {
  status: string;
  error?: string;
  data?: { resultType: string; result: unknown };
}

type PromValue = [number, string];

function samplesOf(data: NonNullable<QueryAnswer['data']>): { labels: string; value: number }[] {
  if (data.resultType === 'scalar') return [{ labels: '', value: Number((data.result as PromValue)[1]) }];
  if (data.resultType === 'vector') {
    return (data.result as { metric: Record<string, string>; value: PromValue }[]).map((r) => ({
      labels: Object.entries(r.metric)
        .map(([k, v]) => `${k}="${v}"`)
        .join(','),
      value: Number(r.value[1]),
    }));
  }
  throw new FaultlineError('promql', `query returned a ${data.resultType}; use an instant vector or scalar expression`);
}

export function emptyOutcome(ifEmpty: IfEmpty | undefined, what: string): Observation {
  if ((ifEmpty ?? 'unknown') === 'unknown') {
    throw new FaultlineError('no-samples', `${what} returned no samples`, { hint: 'set ifEmpty: fail or pass if that is expected' });
  }
  return { ok: ifEmpty === 'pass', value: 'no samples', data: { samples: 0 } };
}

const probe: ProbeDef<PrometheusSpec> = {
  kind: 'prometheus',
  summary: 'instant PromQL query against a Prometheus HTTP API; every returned sample must meet `expect`',
  requires: [],
  schema: {
    type: 'object',
    required: ['query', 'expect'],
    additionalProperties: false,
    properties: {
      url: { type: 'string', pattern: '^https?://' },
      query: { type: 'string', minLength: 1 },
      expect: expectSchema,
      ifEmpty: ifEmptySchema,
    },
  },
  describe: (s) => `${s.query} ${describeExpect(s.expect)}`,
  async evaluate(s, ctx: Context) {
    const base = s.url ?? ctx.stand.metricsUrl;
    if (!base) throw new UnsupportedError('the prometheus probe without url', ctx.stand.name, 'the stand has no metrics URL');
    const url = `${base.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(s.query)}`;
    const answer = JSON.parse(await httpGet(url, ctx.signal)) as QueryAnswer;
    if (answer.status !== 'success' || !answer.data) {
      throw new FaultlineError('promql', `query failed: ${answer.error ?? answer.status}`);
    }
    const samples = samplesOf(answer.data);
    if (!samples.length) return emptyOutcome(s.ifEmpty, 'the query');
    const failing = samples.filter((x) => !expectHolds(s.expect, x.value));
    const show = (x: { labels: string; value: number }) => (x.labels ? `{${x.labels}} ${x.value}` : `${x.value}`);
    return {
      ok: failing.length === 0,
      value: failing.length
        ? `${failing.length}/${samples.length} samples not ${describeExpect(s.expect)}: ${failing.slice(0, 3).map(show).join('; ')}`
        : `${samples.length} sample(s) ${describeExpect(s.expect)}: ${samples.slice(0, 3).map(show).join('; ')}`,
      data: { samples: samples.length, failing: failing.length, first: samples[0]!.value },
    };
  },
};

export default probe;
