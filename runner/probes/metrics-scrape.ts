/** metrics.scrape: a metric in a raw /metrics (Prometheus text) endpoint meets an expectation. */
import type { Context, ProbeDef } from '../core/contracts.js';
import { FaultlineError, UnsupportedError } from '../core/errors.js';
import { describeExpect, expectHolds, expectSchema, ifEmptySchema } from '../measure/expect.js';
import type { Expect, IfEmpty } from '../measure/expect.js';
import { httpGet } from '../measure/http-get.js';
import { parseExposition } from '../measure/prom-text.js';
import { emptyOutcome } from './prometheus.js';

export interface ScrapeSpec {
  /** the /metrics URL; default: the stand's metrics URL */
  url?: string;
  metric: string;
  /** only samples with these label values */
  labels?: Record<string, string>;
  expect: Expect;
  /** each (default): every matching sample; or one value from all of them */
  aggregate?: 'each' | 'sum' | 'min' | 'max' | 'count';
  ifEmpty?: IfEmpty;
}

function aggregateOf(kind: NonNullable<ScrapeSpec['aggregate']>, values: number[]): number {
  switch (kind) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    default:
      return values.length;
  }
}

const probe: ProbeDef<ScrapeSpec> = {
  kind: 'metrics.scrape',
  summary: 'scrape a Prometheus text endpoint; the matching samples (each, or aggregated) must meet `expect`',
  requires: [],
  schema: {
    type: 'object',
    required: ['metric', 'expect'],
    additionalProperties: false,
    properties: {
      url: { type: 'string', pattern: '^https?://' },
      metric: { type: 'string', pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      expect: expectSchema,
      aggregate: { enum: ['each', 'sum', 'min', 'max', 'count'] },
      ifEmpty: ifEmptySchema,
    },
  },
  describe: (s) => `${s.aggregate && s.aggregate !== 'each' ? `${s.aggregate}(${s.metric})` : s.metric}${s.labels ? JSON.stringify(s.labels) : ''} ${describeExpect(s.expect)}`,
  async evaluate(s, ctx: Context) {
    const url = s.url ?? ctx.stand.metricsUrl;
    if (!url) throw new UnsupportedError('metrics.scrape without url', ctx.stand.name, 'the stand has no metrics URL');
    const text = await httpGet(url, ctx.signal);
    const { samples, bad } = parseExposition(text);
    if (!samples.length && bad) throw new FaultlineError('metrics-format', `${url} did not serve Prometheus text (${bad} unparsable lines)`);
    const matching = samples.filter((x) => x.name === s.metric && Object.entries(s.labels ?? {}).every(([k, v]) => x.labels[k] === v));
    const agg = s.aggregate ?? 'each';
    if (!matching.length && agg !== 'count') return emptyOutcome(s.ifEmpty, `${s.metric} at ${url}`);
    if (agg !== 'each') {
      const v = aggregateOf(agg, matching.map((x) => x.value));
      return { ok: expectHolds(s.expect, v), value: `${agg}(${s.metric}) = ${v} over ${matching.length} sample(s), want ${describeExpect(s.expect)}`, data: { value: v, samples: matching.length } };
    }
    const failing = matching.filter((x) => !expectHolds(s.expect, x.value));
    const show = (x: { labels: Record<string, string>; value: number }) => `${JSON.stringify(x.labels)} ${x.value}`;
    return {
      ok: failing.length === 0,
      value: failing.length
        ? `${failing.length}/${matching.length} samples not ${describeExpect(s.expect)}: ${failing.slice(0, 3).map(show).join('; ')}`
        : `${matching.length} sample(s) ${describeExpect(s.expect)}, first ${matching[0]!.value}`,
      data: { samples: matching.length, failing: failing.length, first: matching[0]!.value },
    };
  },
};

export default probe;
