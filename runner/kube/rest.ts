/**
 * Raw GETs against the API server for what the generated client cannot do with a
 * signal: lists of any resource path and watch streams (one JSON event per line,
 * each stamped with the time its bytes arrived).
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { FaultlineError } from '../core/errors.js';
import { fromStatus } from './errors.js';

export type Query = Record<string, string | number | boolean | undefined>;

function urlOf(kc: KubeConfig, path: string, query: Query): URL {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new FaultlineError('kube-config', `kubeconfig context ${kc.getCurrentContext()} has no cluster`);
  const url = new URL(cluster.server.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

/** Opens a GET; resolves with the response once headers arrive (any status). */
async function open(kc: KubeConfig, path: string, query: Query, signal: AbortSignal): Promise<IncomingMessage> {
  const url = urlOf(kc, path, query);
  const options: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
  await kc.applyToHTTPSOptions(options);
  signal.throwIfAborted();
  const plain = url.protocol === 'http:';
  if (plain) delete options.agent; // the kubeconfig's TLS agent cannot carry plain HTTP
  const lib = plain ? http : https;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { ...options, signal }, resolve);
    req.on('error', (err) => reject(signal.aborted ? signal.reason : err));
    req.end();
  });
}

async function readAll(res: IncomingMessage, signal: AbortSignal): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  try {
    for await (const c of res) text += c as string;
  } catch (err) {
    throw signal.aborted ? signal.reason : err;
  }
  return text;
}

/** GET `path` and parse JSON; a non-2xx answer throws KubeApiError. */
export async function getJson<T>(kc: KubeConfig, path: string, query: Query, signal: AbortSignal): Promise<T> {
  const res = await open(kc, path, query, signal);
  const text = await readAll(res, signal);
  const status = res.statusCode ?? 0;
  if (status < 200 || status >= 300) throw fromStatus(`GET ${path}`, status, text);
  return JSON.parse(text) as T;
}

/**
 * Streams `path` line by line until the server ends it or `signal` aborts (then
 * rejects with the signal's reason). `onLine` gets the epoch ms its chunk arrived
 * and returns true to stop early. Resolves true when stopped by `onLine`.
 */
export async function streamLines(
  kc: KubeConfig,
  path: string,
  query: Query,
  signal: AbortSignal,
  onLine: (line: string, at: number) => boolean,
): Promise<boolean> {
  const local = new AbortController();
  const both = AbortSignal.any([signal, local.signal]);
  const res = await open(kc, path, query, both);
  const status = res.statusCode ?? 0;
  if (status < 200 || status >= 300) throw fromStatus(`GET ${path}`, status, await readAll(res, both));
  res.setEncoding('utf8');
  let rest = '';
  try {
    for await (const chunk of res) {
      const at = Date.now();
      rest += chunk as string;
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, nl).trim();
        rest = rest.slice(nl + 1);
        if (line && onLine(line, at)) {
          local.abort();
          return true;
        }
      }
    }
  } catch (err) {
    if (local.signal.aborted && !signal.aborted) return true;
    throw signal.aborted ? signal.reason : err;
  } finally {
    res.destroy();
  }
  return false;
}
