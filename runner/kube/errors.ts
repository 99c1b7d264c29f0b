/** API errors from the generated client and the raw REST layer, in one shape. */
import { FaultlineError } from '../core/errors.js';
import { isApiException } from './sdk.js';

/** An HTTP error answer of the API server (status >= 300) or a watch ERROR event. */
export class KubeApiError extends FaultlineError {
  readonly status: number;
  readonly reason: string;
  readonly body?: Record<string, unknown>;
  constructor(what: string, status: number, reason: string, message: string, body?: Record<string, unknown>) {
    super('kube-api', `${what}: HTTP ${status}${reason ? ` ${reason}` : ''}${message ? `: ${message}` : ''}`);
    this.status = status;
    this.reason = reason;
    this.body = body;
  }
}

function parseBody(body: unknown): Record<string, unknown> | undefined {
  if (body && typeof body === 'object') return body as Record<string, unknown>;
  if (typeof body === 'string') {
    try {
      const v = JSON.parse(body) as unknown;
      if (v && typeof v === 'object') return v as Record<string, unknown>;
    } catch {
      /* not JSON */
    }
  }
  return undefined;
}

/** From a Status object (or anything with code/reason/message). */
export function fromStatus(what: string, status: number, body: unknown): KubeApiError {
  const b = parseBody(body);
  const message = typeof b?.message === 'string' ? b.message : typeof body === 'string' ? body.slice(0, 300) : '';
  return new KubeApiError(what, status, typeof b?.reason === 'string' ? b.reason : '', message, b);
}

/**
 * Turns an ApiException into a KubeApiError; other errors (abort, network) are returned as is.
 * `what` says what was being done, e.g. "evict pod ns/name".
 */
export function apiError(err: unknown, what: string): unknown {
  if (isApiException(err)) return fromStatus(what, err.code, err.body);
  return err;
}

/** HTTP status of an API error, or undefined for transport errors. */
export function statusOf(err: unknown): number | undefined {
  if (err instanceof KubeApiError) return err.status;
  if (isApiException(err)) return err.code;
  return undefined;
}

/** Runs one client call; API errors come back as KubeApiError naming `what`. */
export async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw apiError(err, what);
  }
}
