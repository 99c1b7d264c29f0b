/** http: a GET answers with the expected status within a latency bound (default: the stand's health endpoint). */
import type { Context, ProbeDef } from '../core/contracts.js';
import { deadline } from '../core/abort.js';
import { UnsupportedError, messageOf } from '../core/errors.js';
import { formatDuration, mustDuration } from '../core/units.js';
import { durationSchema } from '../spec/fragments.js';

export interface HttpSpec {
  url?: string;
  status?: number;
  maxLatency?: string;
  /** how long to wait for an answer at all (default 10s) */
  timeout?: string;
}

/** The URL without credentials or query, for messages. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}

const probe: ProbeDef<HttpSpec> = {
  kind: 'http',
  summary: 'HTTP GET answers with the expected status (default 200) within a latency bound',
  requires: [],
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      url: { type: 'string', pattern: '^https?://' },
      status: { type: 'integer', minimum: 100, maximum: 599 },
      maxLatency: durationSchema,
      timeout: durationSchema,
    },
  },
  describe: (s) => `GET ${s.url ? shown(s.url) : 'stand health'} -> ${s.status ?? 200}${s.maxLatency ? ` within ${s.maxLatency}` : ''}`,
  async evaluate(s, ctx: Context) {
    const url = s.url ?? ctx.stand.healthUrl;
    if (!url) throw new UnsupportedError('http probe without url', ctx.stand.name, 'the stand has no health URL');
    const want = s.status ?? 200;
    const maxMs = s.maxLatency ? mustDuration(s.maxLatency) : undefined;
    const timeoutMs = s.timeout ? mustDuration(s.timeout) : Math.max(10_000, maxMs ?? 0);
    const signal = deadline(ctx.signal, timeoutMs);
    const t0 = performance.now();
    let status: number;
    try {
      const res = await fetch(url, { signal, redirect: 'manual' });
      status = res.status;
      // read (and drop) the body so the latency covers the whole answer
      await res.arrayBuffer();
    } catch (err) {
      ctx.signal.throwIfAborted();
      const why = signal.aborted ? `no answer within ${formatDuration(timeoutMs)}` : messageOf((err as Error).cause ?? err);
      return { ok: false, value: `GET ${shown(url)}: ${why}`, data: { status: null, ms: Math.round(performance.now() - t0) } };
    }
    const ms = Math.round(performance.now() - t0);
    const slow = maxMs !== undefined && ms > maxMs;
    const value = `HTTP ${status} in ${formatDuration(ms)}${status !== want ? ` (want ${want})` : ''}${slow ? ` (over ${formatDuration(maxMs!)})` : ''}`;
    return { ok: status === want && !slow, value, data: { status, ms } };
  },
};

export default probe;
