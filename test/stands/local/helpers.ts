/** Shared by the local stand and node fault tests: bring the stand up, probe it, restore it. */
import { spawn } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context, Stand, TimelineEvent } from '../../../runner/core/contracts.js';
import { pollUntil } from '../../../runner/core/abort.js';
import type { StandIO } from '../../../runner/core/stand-kind.js';
import { localStand } from '../../../runner/stands/local/index.js';
import { siteOf } from '../../../runner/stands/local/layout.js';
import { storageServer } from '../../../runner/stands/local/servers/index.js';
import { presence, isUp } from '../../../runner/stands/local/presence.js';
import { STOCK_KERNEL } from '../../../runner/stands/local/kernel.js';
import { LocalNodeDriver } from '../../../runner/stands/local/driver.js';
import { acquireLock } from '../../../runner/core/lock.js';
import { stateDir } from '../../../runner/core/files.js';

const TEST_LOCK_WAIT_MS = 30 * 60_000;

export type ConnectResult = 'connected' | 'refused' | 'timeout' | `error ${string}`;

/** A StandIO whose lines are kept, so tests can check what the operator would see. */
export function recordingIO(ms = 300_000): StandIO & { lines: string[] } {
  const lines: string[] = [];
  return { signal: AbortSignal.timeout(ms), log: (l: string) => lines.push(l), lines };
}

export async function standIsUp(name = 'local'): Promise<boolean> {
  return isUp(await presence(siteOf(name), AbortSignal.timeout(30_000)));
}

export interface StandHandle {
  stand(): Stand;
  driver(): LocalNodeDriver;
}

/**
 * Registers hooks around a suite on a local stand (`local`, or a named one such as
 * `local-seaweedfs`), which the global fixture (test/global-stands.ts) brought up: take
 * turns with other test runs, open it, and undo every fault after every test.
 */
export function useLocalStand(name = 'local'): StandHandle {
  let stand: Stand | undefined;
  let release: (() => Promise<void>) | undefined;
  const h: StandHandle = {
    stand: () => stand!,
    driver: () => stand!.nodes as LocalNodeDriver,
  };
  before(async function () {
    this.timeout(TEST_LOCK_WAIT_MS + 60_000);
    // Suites in other mocha processes inject faults into the same stand: take turns.
    release = await acquireLock(stateDir(`${name}.tests.lock`), AbortSignal.timeout(TEST_LOCK_WAIT_MS + 5000), TEST_LOCK_WAIT_MS, `other test runs on the ${name} stand`);
    stand = await localStand.open(name, AbortSignal.timeout(30_000));
  });
  afterEach(async function () {
    this.timeout(300_000);
    if (stand) await restoreAll(stand);
  });
  after(async () => {
    await release?.();
  });
  return h;
}

/** Undoes every node fault on every node and waits until all four nodes and the cluster answer. */
export async function restoreAll(stand: Stand): Promise<void> {
  const signal = AbortSignal.timeout(240_000);
  const d = stand.nodes as LocalNodeDriver;
  const nodes = d.list();
  await d.heal(nodes.map((n) => [n]), signal).catch(() => {});
  for (const n of nodes) {
    await d.resume(n, signal);
    if (await d.isPoweredOff(n, signal).catch(() => false)) await d.powerOn(n, signal);
    await d.setBootKernel(n, STOCK_KERNEL, signal);
    await d.start(n, signal);
    for (let i = 0; i < stand.drives![n]!.length; i++) {
      if (stand.capabilities.has('disk')) await d.clearFill(n, d.fillPath(n, i), signal);
    }
  }
  await waitAllLive(stand, 180_000);
}

export async function waitAllLive(stand: Stand, ms: number): Promise<void> {
  const signal = AbortSignal.timeout(ms + 5000);
  const st = (stand.nodes as LocalNodeDriver).layouts();
  const live = storageServer(stand.storage?.server ?? 'minio').livePath;
  for (const n of st) await waitHttp(`http://${n.address}:${n.port}${live}`, ms, signal);
  await waitHttp(stand.healthUrl!, ms, signal);
}

/** Polls until the URL answers 200; returns how long it took. */
export async function waitHttp(url: string, ms: number, signal = AbortSignal.timeout(ms + 5000)): Promise<number> {
  const started = Date.now();
  await pollUntil(`${url} to answer 200`, ms, signal, async (s) => {
    const status = await fetch(url, { signal: AbortSignal.any([s, AbortSignal.timeout(2000)]) }).then(
      (r) => r.status,
      () => 0,
    );
    return status === 200 ? true : undefined;
  }, 250);
  return Date.now() - started;
}

export async function httpStatusOrError(url: string, ms: number): Promise<number | string> {
  return fetch(url, { signal: AbortSignal.timeout(ms) }).then(
    (r) => r.status,
    (e: Error) => e.name,
  );
}

/** One TCP connect from this process: distinguishes a silent peer (timeout) from a closed port (refused). */
export function connect(host: string, port: number, ms: number): Promise<ConnectResult> {
  return new Promise((resolve) => {
    const sock = tcpConnect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve('timeout');
    }, ms);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve('connected');
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(e.code === 'ECONNREFUSED' ? 'refused' : `error ${e.code ?? e.message}`);
    });
  });
}

/** The same TCP connect, made from inside a node's network namespace. */
export function connectFrom(netns: string, host: string, port: number, ms: number): Promise<ConnectResult> {
  const script = `
    const s = require('net').connect({ host: ${JSON.stringify(host)}, port: ${port} });
    const t = setTimeout(() => { console.log('timeout'); process.exit(0); }, ${ms});
    s.on('connect', () => { console.log('connected'); process.exit(0); });
    s.on('error', (e) => { console.log(e.code === 'ECONNREFUSED' ? 'refused' : 'error ' + e.code); process.exit(0); });`;
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', [`--net=/run/netns/${netns}`, '--', process.execPath, '-e', script], { timeout: ms + 10_000 });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out.trim() as ConnectResult));
  });
}

export function s3Of(stand: Stand): S3Client {
  return new S3Client({
    endpoint: stand.s3!.endpoint,
    region: stand.s3!.region,
    credentials: stand.s3!.credentials,
    forcePathStyle: true,
    maxAttempts: 1,
  });
}

export function contextFor(stand: Stand, ms = 120_000): Context & { events: TimelineEvent[] } {
  const events: TimelineEvent[] = [];
  return {
    signal: AbortSignal.timeout(ms),
    stand,
    emit: (type, data) => events.push({ type, at: Date.now(), ...data }),
    workloads: { get: () => undefined },
    seed: 1,
    runId: 'test',
    events,
  };
}
