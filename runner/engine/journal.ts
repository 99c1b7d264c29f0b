/**
 * Crash-safe, append-only record of every fault injected and how to undo it.
 * The inject entry is appended and fsynced BEFORE the fault is injected, so a
 * SIGKILLed run still leaves what `faultline recover` needs.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { JsonValue, UndoData } from '../core/contracts.js';

export type JournalEntry =
  | { type: 'begin'; at: number; runId: string; pid: number; host: string }
  | { type: 'inject'; at: number; id: string; run: string; kind: string; stand: { name: string; ref: string }; undo: UndoData; description: string }
  | { type: 'reverted'; at: number; id: string; by: 'run' | 'recover' | 'watchdog' }
  | { type: 'watchdog'; at: number; event: 'armed' | 'lease-lapsed' | 'exit'; pid: number; detail?: string }
  | { type: 'revert-failed'; at: number; id: string; error: string }
  | { type: 'end'; at: number };

export const journalFileName = 'journal.jsonl';

export class Journal {
  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  static async open(dir: string): Promise<Journal> {
    const path = join(dir, journalFileName);
    const fh = await open(path, 'a+', 0o600);
    // a crash mid-append leaves a torn last line: start ours on a fresh one
    const { size } = await fh.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) await fh.appendFile('\n');
    }
    return new Journal(path, fh);
  }

  async append(entry: JournalEntry): Promise<void> {
    await this.fh.appendFile(JSON.stringify(entry) + '\n');
    await this.fh.sync();
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

export interface PendingUndo {
  id: string;
  run: string;
  kind: string;
  stand: { name: string; ref: string };
  undo: Record<string, JsonValue>;
  description: string;
  at: number;
  /** an earlier revert attempt failed with this */
  lastError?: string;
}

export interface JournalState {
  path: string;
  begin?: Extract<JournalEntry, { type: 'begin' }>;
  ended: boolean;
  /** injections never reverted, oldest first */
  pending: PendingUndo[];
}

/** Reads a journal; a torn last line (crash mid-write) is ignored. */
export async function readJournal(path: string): Promise<JournalState> {
  const text = await readFile(path, 'utf8');
  const state: JournalState = { path, ended: false, pending: [] };
  const byId = new Map<string, PendingUndo>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let e: JournalEntry;
    try {
      e = JSON.parse(line) as JournalEntry;
    } catch {
      continue;
    }
    switch (e.type) {
      case 'begin':
        state.begin = e;
        break;
      case 'inject':
        byId.set(e.id, { id: e.id, run: e.run, kind: e.kind, stand: e.stand, undo: e.undo, description: e.description, at: e.at });
        break;
      case 'reverted':
        byId.delete(e.id);
        break;
      case 'revert-failed': {
        const p = byId.get(e.id);
        if (p) p.lastError = e.error;
        break;
      }
      case 'end':
        state.ended = true;
        break;
    }
  }
  state.pending = [...byId.values()];
  return state;
}

export function journalBegin(runId: string): JournalEntry {
  return { type: 'begin', at: Date.now(), runId, pid: process.pid, host: hostname() };
}
