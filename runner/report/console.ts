/**
 * Human output on a stream (stderr by default): run and step lines, progress bars for
 * workloads and bounded waits, gate verdicts with measured values, fault inject/revert
 * lines and the final matrix. It prints only what records and events carry, each string
 * stripped of control characters, so nothing can rewrite the terminal.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { formatDuration } from '../core/units.js';
import type { TimelineEvent } from '../core/contracts.js';
import { gateLine, oneLine, runDuration, runLabel } from './format.js';
import { matrixGreen, renderMatrixText } from './matrix.js';
import type { GateResult, Matrix, MatrixCell, Reporter, RunRecord, RunStatus } from './record.js';

export interface ConsoleStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  getColorDepth?(env?: NodeJS.ProcessEnv): number;
}

export interface ConsoleOptions {
  stream?: ConsoleStream;
  /** for colour detection; default process.env */
  env?: NodeJS.ProcessEnv;
  /** force colours on or off (e.g. a --no-color flag); default: detected */
  color?: boolean;
  /** redraw progress in place; default stream.isTTY */
  tty?: boolean;
  /** without a TTY, at most one progress line per label per interval; default 10 s */
  progressIntervalMs?: number;
  now?: () => number;
}

/**
 * Colour level 0..3 for a stream, with Node's own precedence (tty getColorDepth):
 * FORCE_COLOR wins, then NO_COLOR / NODE_DISABLE_COLORS / TERM=dumb, then the TTY's depth.
 * chalk's built-in detection ignores NO_COLOR and only looks at fds 1 and 2, hence this.
 */
export function colorLevel(stream: ConsoleStream, env: NodeJS.ProcessEnv = process.env): 0 | 1 | 2 | 3 {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force === '' || force === 'true' || force === '1' ? 1 : force === '2' ? 2 : force === '3' ? 3 : 0;
  if (env.NO_COLOR !== undefined || env.NODE_DISABLE_COLORS !== undefined || env.TERM === 'dumb') return 0;
  if (!stream.isTTY) return 0;
  const depth = stream.getColorDepth?.(env) ?? 4;
  return depth >= 24 ? 3 : depth >= 8 ? 2 : depth >= 4 ? 1 : 0;
}

const barWidth = 20;
const ttyRedrawMs = 100;

export class ConsoleReporter implements Reporter {
  readonly name = 'console';
  private readonly out: ConsoleStream;
  private readonly c: ChalkInstance;
  private readonly tty: boolean;
  private readonly intervalMs: number;
  private readonly now: () => number;
  /** active progress per label */
  private readonly bars = new Map<string, { fraction: number; detail: string }>();
  /** non-TTY: when each label was last printed */
  private readonly printedAt = new Map<string, number>();
  private statusWidth = 0;
  private lastDraw = -Infinity;
  private resultsDir?: string;

  constructor(opts: ConsoleOptions = {}) {
    this.out = opts.stream ?? process.stderr;
    const level = opts.color === undefined ? colorLevel(this.out, opts.env ?? process.env) : opts.color ? Math.max(1, colorLevel(this.out, {})) : 0;
    this.c = new Chalk({ level: level as 0 | 1 | 2 | 3 });
    this.tty = opts.tty ?? this.out.isTTY === true;
    this.intervalMs = opts.progressIntervalMs ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  onSweepStart(info: { runId: string; resultsDir: string; total: number }): void {
    this.resultsDir = info.resultsDir;
    this.line(this.c.bold(`faultline ${s(info.runId)}: ${info.total} run${info.total === 1 ? '' : 's'}, results in ${s(info.resultsDir)}`));
  }

  onRunStart(r: RunRecord): void {
    this.line('');
    this.line(this.c.bold(`▶ ${s(runLabel(r))}/${r.repeat}`) + this.c.dim(` (${s(r.stand.driver)}, seed ${r.seed})`));
  }

  onStep(_r: RunRecord, step: { index: number; title: string }): void {
    this.line(this.c.cyan(`  step ${step.index + 1}: ${s(step.title)}`));
  }

  onEvent(r: RunRecord, e: TimelineEvent): void {
    const text = eventText(e);
    if (!text) return;
    const at = this.c.dim(`+${((e.at - r.startedAt) / 1000).toFixed(1)} s`);
    const paint = text.kind === 'error' ? this.c.red : text.kind === 'inject' ? this.c.yellow : text.kind === 'revert' ? this.c.blue : this.c.dim;
    this.line(`  ${at} ${paint(text.text)}`);
  }

  onProgress(_r: RunRecord, label: string, fraction: number, detail: string): void {
    const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
    const done = f >= 1;
    const now = this.now();
    if (this.tty) {
      this.bars.set(label, { fraction: f, detail });
      if (done || now - this.lastDraw >= ttyRedrawMs) this.draw(now);
      if (done) this.finishBar(label, f, detail);
      return;
    }
    const last = this.printedAt.get(label);
    if (last === undefined || done || now - last >= this.intervalMs) {
      this.printedAt.set(label, now);
      this.line(`  ${progressText(label, f, detail)}`);
    }
    if (done) this.printedAt.delete(label);
  }

  onGate(_r: RunRecord, g: GateResult): void {
    // a bounded wait's progress label is its gate's name; the verdict ends it
    this.dropBar(g.name);
    const sym = g.verdict === 'pass' ? this.c.green('✔') : g.verdict === 'fail' ? this.c.red('✘') : g.verdict === 'skipped' ? this.c.dim('–') : this.c.yellow('?');
    this.line(`  ${sym} ${s(gateLine(g))}`);
  }

  onRunEnd(r: RunRecord): void {
    this.bars.clear();
    this.printedAt.clear();
    this.draw(this.now());
    const took = r.status === 'skipped' ? '' : ` in ${formatDuration(runDuration(r))}`;
    const why = r.reason && r.status !== 'pass' ? ` — ${s(r.reason)}` : '';
    this.line(`${this.status(r.status)} ${s(runLabel(r))}${took}${why}`);
  }

  onSweepEnd(m: Matrix, records: RunRecord[]): void {
    this.bars.clear();
    this.draw(this.now());
    const paint = (st: MatrixCell['status'] | 'none', t: string) => (st === 'none' ? t : this.paint(st)(t));
    this.line('');
    this.line(renderMatrixText(m, { paint }));
    const green = matrixGreen(m);
    const count = (st: RunStatus) => records.filter((r) => r.status === st).length;
    const parts = (['pass', 'fail', 'unknown', 'error', 'interrupted', 'skipped'] as const).filter((st) => count(st) > 0).map((st) => `${count(st)} ${st}`);
    const verdict = green ? this.c.green.bold('GREEN') : this.c.red.bold('NOT GREEN');
    this.line(`${verdict} — ${records.length} run${records.length === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''}`);
    if (this.resultsDir) this.line(this.c.dim(`results: ${s(this.resultsDir)}`));
  }

  private status(st: RunStatus): string {
    const word = { pass: '■ PASS', fail: '■ FAIL', skipped: '○ SKIPPED', error: '■ ERROR', interrupted: '■ INTERRUPTED', unknown: '■ UNKNOWN' }[st];
    return this.paint(st)(word);
  }

  private paint(st: MatrixCell['status'] | RunStatus): (t: string) => string {
    switch (st) {
      case 'pass': return this.c.green;
      case 'flaky': return this.c.yellow;
      case 'fail': return this.c.red;
      case 'skipped': return this.c.gray;
      default: return this.c.magenta;
    }
  }

  /** Prints a line, keeping the in-place progress line (TTY) below it. */
  private line(text: string): void {
    if (this.statusWidth > 0) this.out.write(`\r${' '.repeat(this.statusWidth)}\r`);
    this.out.write(text + '\n');
    this.statusWidth = 0;
    if (this.bars.size > 0) this.draw(this.now());
  }

  /** Redraws the TTY progress line with \r and spaces only: no cursor escape codes. */
  private draw(now: number): void {
    if (!this.tty) return;
    this.lastDraw = now;
    const width = Math.max(20, (this.out.columns || 80) - 1);
    let text = [...this.bars].map(([label, b]) => progressText(label, b.fraction, b.detail)).join('   ');
    text = text.length > width ? text.slice(0, width - 1) + '…' : text;
    if (!text && this.statusWidth === 0) return;
    this.out.write(`\r${text}${' '.repeat(Math.max(0, this.statusWidth - text.length))}` + (text ? '' : '\r'));
    this.statusWidth = text.length;
  }

  /** A finished bar stays on screen as a plain line. */
  private finishBar(label: string, f: number, detail: string): void {
    this.bars.delete(label);
    this.line(`  ${progressText(label, f, detail)}`);
  }

  private dropBar(label: string): void {
    if (this.bars.delete(label)) this.draw(this.now());
  }
}

/** "upload [█████████░░░░░░░░░░░]  45% 1.4 GiB of 3.1 GiB" */
function progressText(label: string, f: number, detail: string): string {
  const filled = Math.round(f * barWidth);
  const pct = `${Math.floor(f * 100)}%`.padStart(4);
  const extra = detail && !/^\s*\d+(\.\d+)?\s*%\s*$/.test(detail) ? ` ${s(detail)}` : ''; // a bare percentage repeats the bar
  return `${s(label)} [${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${pct}${extra}`;
}

/** Fault and workload events worth a line; everything else stays in the record. */
function eventText(e: TimelineEvent): { kind: 'inject' | 'revert' | 'error' | 'info'; text: string } | undefined {
  const type = String(e.type);
  const str = (k: string) => (typeof e[k] === 'string' && e[k] ? s(e[k] as string) : undefined);
  if (type === 'trigger.wait') return { kind: 'info', text: `… waiting for ${str('trigger') ?? 'trigger'}` };
  if (type === 'action') {
    const code = typeof e.exitCode === 'number' ? `exited ${e.exitCode}` : 'did not exit';
    return { kind: 'info', text: `· action ${str('name') ?? ''} ${code}` };
  }
  if (type === 'fault.effect') {
    const ok = e.ok === true;
    return { kind: ok ? 'info' : 'error', text: `${ok ? '✔' : '?'} effect of ${str('kind') ?? 'fault'} ${ok ? 'confirmed' : 'NOT confirmed'}: ${str('value') ?? ''}` };
  }
  if (!type.startsWith('fault.') && !type.startsWith('workload.')) return undefined;
  const what = str('kind') ?? str('name') ?? str('id') ?? '';
  const desc = str('description');
  const error = str('error');
  const subject = [what, desc && desc !== what ? desc : undefined].filter(Boolean).join(': ');
  if (error || /fail|error/i.test(type)) return { kind: 'error', text: `✘ ${s(type)} ${subject}${error ? ` — ${error}` : ''}` };
  if (type.startsWith('fault.') && /inject/i.test(type)) return { kind: 'inject', text: `⚡ inject ${subject}` };
  if (type.startsWith('fault.') && /revert/i.test(type)) return { kind: 'revert', text: `↺ revert ${subject}` };
  if (type.startsWith('workload.') && /progress/i.test(type)) return undefined; // shown as a bar
  return { kind: 'info', text: `· ${s(type)} ${subject}`.trimEnd() };
}

function s(text: string): string {
  return oneLine(text);
}
