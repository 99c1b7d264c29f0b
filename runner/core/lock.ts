/** Exclusive lock files between processes (stand up/down, node operations, tool builds, test fixtures). */
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pollUntil } from './abort.js';
import { isAlive } from './proc.js';

/**
 * Takes an exclusive lock file (holding our pid) and returns its release. A lock whose
 * holder died is taken over; waiting is bounded.
 */
export async function acquireLock(path: string, signal: AbortSignal, waitMs: number, what: string): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  await pollUntil(what, waitMs, signal, async () => {
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(await readFile(path, 'utf8').catch(() => ''));
      // An empty lock may be one being written right now; only an old one is stale.
      const age = Date.now() - (await stat(path).then((s) => s.mtimeMs, () => Date.now()));
      if (holder ? !(await isAlive(holder)) : age > 5000) await rm(path, { force: true });
      return undefined;
    }
  }, 100);
  return () => rm(path, { force: true });
}

/** Runs `fn` holding the lock at `path`. */
export async function withLockFile<T>(path: string, signal: AbortSignal, waitMs: number, what: string, fn: () => Promise<T>): Promise<T> {
  const release = await acquireLock(path, signal, waitMs, what);
  try {
    return await fn();
  } finally {
    await release();
  }
}

/**
 * One operation at a time on a stand's node, across processes too: two concurrent starts
 * would otherwise both find no server and both launch one.
 */
export function nodeOperation<T>(nodeDir: string, node: string, signal: AbortSignal, waitMs: number, fn: () => Promise<T>): Promise<T> {
  return withLockFile(join(nodeDir, 'operation.lock'), signal, waitMs, `${node}: another operation on this node to finish`, fn);
}
