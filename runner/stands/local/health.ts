/** Bounded HTTP checks against a storage server's health endpoints (each server names its paths). */
import { deadline } from '../../core/abort.js';
import { messageOf } from '../../core/errors.js';

/** MinIO's endpoints, for servers/minio.ts and the cluster stand's MinIO. */
export const healthPath = '/minio/health/cluster';
export const livePath = '/minio/health/live';
export const metricsPath = '/minio/v2/metrics/cluster';

export interface HttpAnswer {
  status?: number;
  ms: number;
  error?: string;
}

export async function httpStatus(url: string, signal: AbortSignal, timeoutMs = 3000): Promise<HttpAnswer> {
  const started = Date.now();
  try {
    const res = await fetch(url, { signal: deadline(signal, timeoutMs) });
    await res.body?.cancel();
    return { status: res.status, ms: Date.now() - started };
  } catch (err) {
    signal.throwIfAborted();
    const cause = (err as { cause?: unknown }).cause;
    return { ms: Date.now() - started, error: cause ? messageOf(cause) : messageOf(err) };
  }
}

export function describeAnswer(a: HttpAnswer): string {
  return a.status !== undefined ? `HTTP ${a.status} in ${a.ms} ms` : `no answer after ${a.ms} ms (${a.error})`;
}
