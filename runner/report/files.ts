/**
 * Writes the results directory as the run goes, every file atomically:
 *   runs/<scenario>--<stand>--<iteration>.json   on run start, each event and gate, run end
 *     (until run end it reads "interrupted", so a crash never leaves a record that looks passed)
 *   matrix.json, junit.xml, summary.md, report.html   at sweep end
 * so a crashed run still leaves a readable record of everything up to the crash.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf } from '../core/errors.js';
import { writeFileAtomic } from '../core/files.js';
import { recordPath } from './format.js';
import { toHtml } from './html.js';
import { toJUnit } from './junit.js';
import { toMarkdown } from './markdown.js';
import type { GateResult, Matrix, Reporter, RunRecord } from './record.js';

export class FilesReporter implements Reporter {
  readonly name = 'files';
  private readonly writers = new Map<string, LatestWriter>();
  private readonly finished = new Set<string>();

  constructor(readonly dir: string) {}

  async onSweepStart(): Promise<void> {
    await mkdir(join(this.dir, 'runs'), { recursive: true });
  }

  onRunStart(record: RunRecord): Promise<void> {
    return this.save(provisional(record));
  }

  onEvent(record: RunRecord): Promise<void> {
    return this.save(provisional(record));
  }

  onGate(record: RunRecord, gate: GateResult): Promise<void> {
    // the engine normally appends the gate first; if not, the file still shows it
    return this.save(provisional(record.gates.includes(gate) ? record : { ...record, gates: [...record.gates, gate] }));
  }

  async onRunEnd(record: RunRecord): Promise<void> {
    await this.save(record);
    this.finished.add(recordPath(record));
  }

  /** Every summary file is attempted even if one fails; the failures are thrown together. */
  async onSweepEnd(matrix: Matrix, records: RunRecord[]): Promise<void> {
    // records that never reached onRunEnd (e.g. skipped before start) are written now
    const unsaved = records.filter((r) => !this.finished.has(recordPath(r))).map((r): Job => [recordPath(r), () => this.save(r)]);
    await writeAll([...unsaved, ...summaryJobs(this.dir, matrix, records)]);
  }

  /** Snapshots the record now (the engine keeps mutating it) and writes the latest snapshot. */
  private save(record: RunRecord): Promise<void> {
    const rel = recordPath(record);
    let w = this.writers.get(rel);
    if (!w) this.writers.set(rel, (w = new LatestWriter(join(this.dir, rel))));
    return w.save(json(record));
  }

}

type Job = [string, () => Promise<void>];

function summaryJobs(dir: string, matrix: Matrix, records: readonly RunRecord[]): Job[] {
  const write = (rel: string, text: () => string): Job => [rel, () => writeFileAtomic(join(dir, rel), text())];
  return [
    write('matrix.json', () => json(matrix)),
    write('junit.xml', () => toJUnit(matrix, records)),
    write('summary.md', () => toMarkdown(matrix, records)),
    write('report.html', () => toHtml(matrix, records)),
  ];
}

async function writeAll(jobs: Job[]): Promise<void> {
  const results = await Promise.allSettled(jobs.map(([, job]) => job()));
  const failed = results.flatMap((res, i) => (res.status === 'rejected' ? [`${jobs[i]![0]}: ${messageOf(res.reason)}`] : []));
  if (failed.length) throw new Error(`could not write ${failed.join('; ')}`);
}

/**
 * matrix.json, junit.xml, summary.md and report.html in `dir`, and with `recordPath` every
 * record too (a merged results folder); each file is attempted even if another fails.
 */
export async function writeResultsFolder(dir: string, matrix: Matrix, records: readonly RunRecord[], recordPath?: (r: RunRecord) => string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const copies = recordPath ? records.map((r): Job => [recordPath(r), () => writeFileAtomic(join(dir, recordPath(r)), json(r))]) : [];
  await writeAll([...copies, ...summaryJobs(dir, matrix, records)]);
}

/**
 * One file, written by one writer at a time (concurrent atomic writes to one path would
 * race on the temp name); a burst of saves collapses into writing the newest content.
 */
class LatestWriter {
  private pending?: string;
  private running?: Promise<void>;

  constructor(private readonly path: string) {}

  save(content: string): Promise<void> {
    this.pending = content;
    return (this.running ??= this.drain());
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending !== undefined) {
        const content = this.pending;
        this.pending = undefined;
        await writeFileAtomic(this.path, content);
      }
    } finally {
      this.pending = undefined;
      this.running = undefined;
    }
  }
}

/**
 * A record written before the run ended must not read as a pass if it turns out to be the
 * last word (crash, SIGKILL): until onRunEnd it says interrupted, with the reason.
 */
function provisional(r: RunRecord): RunRecord {
  if (r.status !== 'pass' || r.endedAt !== undefined) return r;
  return { ...r, status: 'interrupted', reason: r.reason ?? unfinished };
}

export const unfinished = 'unfinished: the run had not ended when this record was written';

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
