/** state.json of the kwok stand: what runs, where, at which versions. */
import { readFile } from 'node:fs/promises';
import { writeJson } from '../../core/files.js';
import type { Layout, Ports } from './layout.js';
import type { ProcRecord } from '../../core/proc.js';

export interface KwokState {
  version: 1;
  root: string;
  ports: Ports;
  /** tool -> pinned version */
  tools: Record<string, string>;
  processes: ProcRecord[];
  nodes: string[];
  stages: string[];
  startedAt: string;
  /** set when `up` finished: API and nodes Ready */
  readyAt?: string;
}

export async function readState(l: Layout): Promise<KwokState | undefined> {
  try {
    return JSON.parse(await readFile(l.stateFile, 'utf8')) as KwokState;
  } catch {
    return undefined;
  }
}

export function writeState(l: Layout, s: KwokState): Promise<void> {
  return writeJson(l.stateFile, s);
}
