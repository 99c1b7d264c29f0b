/**
 * Results across runs and machines: reads the records of any number of results folders
 * (a run folder, a merged folder, or a folder of run folders such as `results/`) and
 * merges them into one list in a stable order, whatever order the folders came in.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ExitCode, FaultlineError, InvalidInputError, type InputProblem } from '../core/errors.js';
import { recordPath, safeSegment } from './format.js';
import type { RunRecord } from './record.js';

/** The same run read twice (the same folder given twice, a shard and the merge of it) counts once. */
export function runIdentity(r: RunRecord): string {
  return `${r.runId}\u0000${r.scenario.name}\u0000${r.stand.name}\u0000${r.iteration}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * scenario, stand, sweep id (default ids sort by time), iteration; ties by start time.
 * Shards of one sweep that ran at once on many machines come out in iteration order.
 */
export function compareRecords(a: RunRecord, b: RunRecord): number {
  return (
    cmp(a.scenario.name, b.scenario.name) ||
    cmp(a.stand.name, b.stand.name) ||
    cmp(a.runId, b.runId) ||
    a.iteration - b.iteration ||
    a.startedAt - b.startedAt
  );
}

/**
 * One record per run, ordered by compareRecords. Of two copies of one run the one that
 * ended (a finished record supersedes a provisional one), else the later, is kept.
 */
export function mergeRecords(lists: readonly (readonly RunRecord[])[]): RunRecord[] {
  const byId = new Map<string, RunRecord>();
  for (const r of lists.flat()) {
    const key = runIdentity(r);
    const had = byId.get(key);
    if (!had || rank(r) > rank(had)) byId.set(key, r);
  }
  return [...byId.values()].sort(compareRecords);
}

function rank(r: RunRecord): number {
  return (r.endedAt !== undefined ? 1e15 : 0) + (r.endedAt ?? r.startedAt);
}

/** Sweep ids in the merged records, in order. */
export function sweepIds(records: readonly RunRecord[]): string[] {
  return [...new Set(records.map((r) => r.runId))].sort();
}

/** Where a record goes in a merged folder: under its sweep id when several sweeps are merged. */
export function mergedRecordPath(records: readonly RunRecord[]): (r: RunRecord) => string {
  if (sweepIds(records).length <= 1) return recordPath;
  return (r) => `runs/${safeSegment(r.runId)}/${recordPath(r).slice('runs/'.length)}`;
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function jsonFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => cmp(a.name, b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await jsonFiles(p)));
    else if (e.isFile() && e.name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** The run folders at `path`: itself when it holds runs/, else its children that do. */
export async function resultsFolders(path: string): Promise<string[]> {
  if (!(await isDir(path))) {
    throw new FaultlineError('results-missing', `${path}: no such results folder`, { exitCode: ExitCode.invalidInput });
  }
  if (await isDir(join(path, 'runs'))) return [path];
  const children: string[] = [];
  for (const e of (await readdir(path, { withFileTypes: true })).sort((a, b) => cmp(a.name, b.name))) {
    if (e.isDirectory() && (await isDir(join(path, e.name, 'runs')))) children.push(join(path, e.name));
  }
  if (!children.length) {
    throw new FaultlineError('results-empty', `${path} holds no results: neither a runs/ folder nor run folders that have one`, {
      exitCode: ExitCode.invalidInput,
      hint: 'give a folder `faultline run` wrote (results/<run-id>), one `faultline merge` wrote, or the folder holding them',
    });
  }
  return children;
}

/** Every record in a results folder (runs/**.json); a file that is not a run record is invalid input, at file:line:col. */
export async function readFolder(folder: string): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  const problems: InputProblem[] = [];
  for (const file of await jsonFiles(join(folder, 'runs'))) {
    const text = await readFile(file, 'utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      problems.push({ file, ...positionOf(text), path: '', message: `not JSON: ${parseComplaint(err)}` });
      continue;
    }
    const why = notARecord(value);
    if (why) problems.push({ file, line: 1, col: 1, path: '', message: why });
    else records.push(value as RunRecord);
  }
  if (problems.length) throw new InvalidInputError(problems, `every file under ${relative(process.cwd(), join(folder, 'runs')) || 'runs'}/ must be a run record faultline wrote`);
  return records;
}

/** Reads every results folder under `paths` and merges their records. */
export async function readResults(paths: readonly string[]): Promise<{ records: RunRecord[]; folders: string[] }> {
  const folders = (await Promise.all(paths.map(resultsFolders))).flat();
  const lists = await Promise.all(folders.map(readFolder));
  return { records: mergeRecords(lists), folders };
}

function notARecord(v: unknown): string | undefined {
  const r = v as Partial<RunRecord> | null;
  if (!r || typeof r !== 'object') return 'not a run record (expected a JSON object)';
  if (r.schema !== 'faultline/run-record/v1') return `not a run record: schema is ${JSON.stringify(r.schema)}, expected "faultline/run-record/v1"`;
  for (const k of ['runId', 'status'] as const) if (typeof r[k] !== 'string') return `run record lacks ${k}`;
  if (typeof r.scenario?.name !== 'string' || typeof r.stand?.name !== 'string') return 'run record lacks scenario.name or stand.name';
  if (typeof r.iteration !== 'number' || typeof r.startedAt !== 'number') return 'run record lacks iteration or startedAt';
  if (!Array.isArray(r.gates) || !Array.isArray(r.faults) || !Array.isArray(r.timeline)) return 'run record lacks gates, faults or timeline';
  return undefined;
}

/**
 * line:col of the first character that makes `text` invalid JSON. Node's messages do not
 * always name a position, so this finds the shortest prefix that is wrong rather than
 * unfinished (a prefix of valid JSON only ever fails for running out of input).
 */
function positionOf(text: string): { line?: number; col?: number } {
  const wrong = (k: number) => {
    try {
      JSON.parse(text.slice(0, k));
      return false;
    } catch (err) {
      const msg = (err as Error).message;
      const at = /position (\d+)/.exec(msg);
      return !/end of JSON input/.test(msg) && !(at && Number(at[1]) >= k);
    }
  };
  if (!wrong(text.length)) return {};
  let lo = 1;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (wrong(mid)) hi = mid;
    else lo = mid + 1;
  }
  const lines = text.slice(0, lo - 1).split('\n');
  return { line: lines.length, col: lines.at(-1)!.length + 1 };
}

/** The parser's complaint without the excerpt of the file it quotes. */
function parseComplaint(err: unknown): string {
  return (err as Error).message.replace(/,\s*(\.\.\.)?".*$/s, '').replace(/\s*in JSON at position.*$/s, '');
}
