/** Bounded HTTP GET for metrics endpoints (Prometheus API, /metrics). */
import { deadline } from '../core/abort.js';
import { FaultlineError, messageOf } from '../core/errors.js';

export const HTTP_MS = 15_000;

/** GET `url`; returns the body of a 2xx answer, throws a FaultlineError otherwise (URL without query in messages). */
export async function httpGet(url: string, signal: AbortSignal, headers: Record<string, string> = {}): Promise<string> {
  const bounded = deadline(signal, HTTP_MS);
  const shown = url.split('?')[0];
  let res: Response;
  try {
    res = await fetch(url, { signal: bounded, headers });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw new FaultlineError('http', `GET ${shown} failed: ${messageOf(err)}`, { cause: err });
  }
  const body = await res.text();
  if (!res.ok) throw new FaultlineError('http', `GET ${shown}: HTTP ${res.status} ${body.slice(0, 200)}`);
  return body;
}
