/**
 * List + watch until a predicate over the current objects holds.
 *
 * The result's `at` is the epoch ms at which the bytes of the event that made the
 * predicate true arrived (or the list answer, when it already held), so a gate
 * records when the transition happened, not when someone next looked.
 * Watches resume from the last resourceVersion (bookmarks keep it fresh), relist
 * on 410 Gone, reconnect with backoff on transport errors, and abort on the signal.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { deadline, sleep } from '../core/abort.js';
import { fromStatus, statusOf } from './errors.js';
import { getJson, streamLines } from './rest.js';
import { CALL_MS } from './client.js';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
    creationTimestamp?: string;
    ownerReferences?: { kind: string; name: string; uid?: string; controller?: boolean }[];
  };
  [k: string]: any;
}

export interface WatchSource {
  /** collection path, e.g. /api/v1/namespaces/x/pods */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  /** epoch ms the event's bytes arrived */
  at: number;
}

export interface WatchOptions<R> {
  source: WatchSource;
  signal: AbortSignal;
  /** Called after every list and event with the current objects; a value other than undefined ends the wait. */
  decide(objects: KubeObject[], event?: WatchEvent): R | undefined;
  onEvent?(event: WatchEvent): void;
  onRelist?(why: string): void;
  /** Watch from this resourceVersion instead of listing first. */
  resourceVersion?: string;
  /** Server-side watch timeout per connection (default 50-70 s, jittered). */
  timeoutSeconds?: number;
}

export interface WatchResult<R> {
  value: R;
  at: number;
  via: 'list' | 'event';
  relists: number;
  reconnects: number;
}

interface ListAnswer {
  metadata?: { resourceVersion?: string };
  items?: KubeObject[];
}

const BACKOFF_MIN_MS = 200;
const BACKOFF_MAX_MS = 5_000;

function backoff(failures: number): number {
  const ms = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (failures - 1));
  return ms / 2 + Math.random() * (ms / 2);
}

export function objectKey(o: KubeObject): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** Transport errors and 5xx/429 are retried; other API errors (403, 404, 400...) end the wait. */
function retriable(err: unknown): boolean {
  const s = statusOf(err);
  return s === undefined || s === 429 || s >= 500;
}

export async function watchUntil<R>(kc: KubeConfig, o: WatchOptions<R>): Promise<WatchResult<R>> {
  const { source, signal } = o;
  const selectors = { labelSelector: source.labelSelector || undefined, fieldSelector: source.fieldSelector || undefined };
  const state = new Map<string, KubeObject>();
  let rv = o.resourceVersion;
  let needList = rv === undefined;
  let relists = 0;
  let reconnects = 0;
  let failures = 0;

  for (;;) {
    signal.throwIfAborted();
    let conn: AbortSignal | undefined;
    try {
      if (needList) {
        const list = await getJson<ListAnswer>(kc, source.path, selectors, deadline(signal, CALL_MS));
        const at = Date.now();
        state.clear();
        for (const item of list.items ?? []) state.set(objectKey(item), item);
        rv = list.metadata?.resourceVersion;
        needList = false;
        const value = o.decide([...state.values()]);
        if (value !== undefined) return { value, at, via: 'list', relists, reconnects };
      }
      const timeoutSeconds = o.timeoutSeconds ?? 50 + Math.floor(Math.random() * 20);
      conn = deadline(signal, (timeoutSeconds + 15) * 1000);
      let found: WatchResult<R> | undefined;
      const query = { ...selectors, watch: true, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds };
      await streamLines(kc, source.path, query, conn, (line, at) => {
        const ev = JSON.parse(line) as { type: string; object: KubeObject };
        if (ev.type === 'ERROR') throw fromStatus(`watch ${source.path}`, Number(ev.object?.code ?? 500), ev.object);
        rv = ev.object?.metadata?.resourceVersion ?? rv;
        if (ev.type === 'BOOKMARK') return false;
        if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED' && ev.type !== 'DELETED') return false;
        failures = 0;
        if (ev.type === 'DELETED') state.delete(objectKey(ev.object));
        else state.set(objectKey(ev.object), ev.object);
        const event: WatchEvent = { type: ev.type, object: ev.object, at };
        o.onEvent?.(event);
        const value = o.decide([...state.values()], event);
        if (value === undefined) return false;
        found = { value, at, via: 'event', relists, reconnects };
        return true;
      });
      if (found) return found;
      reconnects++; // the server ended the watch (its timeout): resume from rv
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (statusOf(err) === 410) {
        relists++;
        needList = true;
        o.onRelist?.(`resourceVersion ${rv ?? '?'} expired (410 Gone)`);
        continue;
      }
      if (conn?.aborted) {
        reconnects++; // our own per-connection bound: the server went quiet
        continue;
      }
      if (!retriable(err)) throw err;
      failures++;
      reconnects++;
      await sleep(backoff(failures), signal);
    }
  }
}
