import { appendFile, mkdir, open, readdir, rename, rm, chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Writes via a temp file + fsync + rename, so readers never see half a file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

const tempOfPid = /\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** Removes what writeFileAtomic of process `pid` left under `dir` when it died mid-write; returns the paths. */
export async function removeTempsOf(dir: string, pid: number): Promise<string[]> {
  const removed: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (!e.isFile() || Number(tempOfPid.exec(e.name)?.[1]) !== pid) continue;
    const path = join(e.parentPath, e.name);
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}

/** Writes a secret file readable by its owner only. */
export async function writeSecretFile(path: string, data: string): Promise<void> {
  await writeFileAtomic(path, data, 0o600);
  await chmod(path, 0o600);
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** Root of the installed package (holds runner/, scenarios/, stands/). */
export function packageRoot(): string {
  // this file compiles to dist/runner/core/files.js
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** Where built third-party tools are cached, by name and version. */
export function cacheDir(...parts: string[]): string {
  const base = process.env.FAULTLINE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'faultline');
  return join(base, ...parts);
}

/** Where embedded stands keep their state (pids, credentials, logs). */
export function stateDir(...parts: string[]): string {
  const base = process.env.FAULTLINE_STATE ?? join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'faultline');
  return join(base, ...parts);
}

/** Appends a timestamped faultline line to a node's log, so the log tells what was done to the node and when. */
export async function noteInLog(log: string, line: string): Promise<void> {
  await appendFile(log, `${new Date().toISOString()} faultline: ${line}\n`);
}
