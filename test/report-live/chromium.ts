/**
 * Headless Chromium driven over the DevTools protocol on --remote-debugging-pipe (fd 3:
 * commands in, fd 4: answers out, NUL-terminated JSON), so no WebSocket and no new
 * dependency is needed. Every command has a deadline; the browser is killed with the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const chromiumPath = process.env.FAULTLINE_CHROMIUM ?? '/usr/bin/chromium';
/** Bound for the browser's start (its first answer). */
const startMs = 90_000;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly waiters: { method: string; session?: string; resolve(p: unknown): void }[] = [];
  private buffer = '';
  private stderr = '';
  private session?: string;

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const out = child.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => this.receive(chunk));
    child.stderr?.on('data', (c: Buffer) => (this.stderr = (this.stderr + c.toString()).slice(-4000)));
    child.on('exit', (code, sig) => this.failPending(`chromium exited (${code ?? sig}) before answering; stderr: ${this.stderr}`));
    // no browser to start, or one gone before reading its commands: what is pending fails, nothing crashes
    child.on('error', (err) => this.failPending(`chromium: ${err.message}`));
    (child.stdio[3] as Writable).on('error', () => {});
  }

  static async launch(width = 1280, height = 900): Promise<Chromium> {
    const profile = await mkdtemp(join(tmpdir(), 'faultline-chromium-'));
    const child = spawn(
      chromiumPath,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--hide-scrollbars', '--remote-debugging-pipe', `--user-data-dir=${profile}`, `--window-size=${width},${height}`, 'about:blank'],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    const browser = new Chromium(child, profile);
    try {
      // the first answer waits for the browser to start, which took over 20 s on a loaded CI machine
      const { targetInfos } = (await browser.send('Target.getTargets', {}, startMs)) as { targetInfos: { targetId: string; type: string }[] };
      const page = targetInfos.find((t) => t.type === 'page');
      const targetId = page?.targetId ?? ((await browser.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string }).targetId;
      browser.session = ((await browser.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string }).sessionId;
      await browser.page('Page.enable');
      await browser.page('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
      return browser;
    } catch (err) {
      await browser.close();
      const message = (err as Error).message;
      // an exit before the answer already carries the stderr
      throw new Error(message.includes('stderr:') ? message : `${message}; stderr: ${browser.stderr.trim() || '(empty)'}`);
    }
  }

  /** A browser-level command. */
  send(method: string, params: object = {}, ms = 20_000, sessionId?: string): Promise<unknown> {
    const id = this.nextId++;
    const msg = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`chromium: ${method} got no answer within ${ms} ms`));
      }, ms);
      this.pending.set(id, { resolve, reject, timer });
      (this.child.stdio[3] as Writable).write(msg + '\0');
    });
  }

  /** A command to the page. */
  page(method: string, params: object = {}, ms = 20_000): Promise<unknown> {
    return this.send(method, params, ms, this.session);
  }

  async open(url: string, ms = 30_000): Promise<void> {
    const loaded = this.event('Page.loadEventFired', ms);
    await this.page('Page.navigate', { url }, ms);
    await loaded;
  }

  /** Evaluates an expression in the page and returns its value (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.page('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as {
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /** A PNG of the whole page. */
  async screenshot(): Promise<Buffer> {
    const r = (await this.page('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true }, 60_000)) as { data: string };
    return Buffer.from(r.data, 'base64');
  }

  async close(): Promise<void> {
    await this.send('Browser.close', {}, 5_000).catch(() => {});
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGKILL');
      await exited;
    }
    await rm(this.profile, { recursive: true, force: true });
  }

  private failPending(message: string): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(message));
    }
    this.pending.clear();
  }

  private event(method: string, ms: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`chromium: no ${method} within ${ms} ms`)), ms);
      this.waiters.push({ method, session: this.session, resolve: (p) => (clearTimeout(timer), resolve(p)) });
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\0')) >= 0) {
      const raw = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 1);
      const msg = JSON.parse(raw) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown; sessionId?: string };
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        if (!p) continue;
        this.pending.delete(msg.id);
        clearTimeout(p.timer);
        if (msg.error) p.reject(new Error(`chromium: ${msg.error.message}`));
        else p.resolve(msg.result);
      } else if (msg.method) {
        const i = this.waiters.findIndex((w) => w.method === msg.method && (!w.session || w.session === msg.sessionId));
        if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(msg.params);
      }
    }
  }
}
