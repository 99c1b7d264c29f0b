/** Filling a filesystem with one preallocated file, as a full disk would be (disk.fill, disk.staleStaging). */
import { statfs, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runChild } from './child.js';
import { FaultlineError } from './errors.js';

const FALLOCATE_MS = 60_000;
const ATTEMPTS = 5;

/**
 * Makes `file` (replaced, not added to) as large as it takes for `fraction` of its
 * filesystem to be in use; never more than is free. A server writing to the same
 * filesystem meanwhile makes fallocate fail with ENOSPC, so it measures again and retries.
 */
export async function fillWith(file: string, fraction: number, signal: AbortSignal, what: string): Promise<number> {
  await rm(file, { force: true });
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // tmpfs counts in pages: ask for what is free at most
    const s = await statfs(dirname(file));
    const used = (s.blocks - s.bfree) * s.bsize;
    const want = Math.min(s.bavail * s.bsize, Math.max(0, Math.round(fraction * s.blocks * s.bsize) - used));
    const bytes = Math.floor(want / s.bsize) * s.bsize;
    if (bytes === 0) return 0;
    const r = await runChild({ file: 'fallocate', args: ['-l', String(bytes), file], what, timeoutMs: FALLOCATE_MS, signal, env: { LC_ALL: 'C' } });
    if (r.exitCode === 0) return bytes;
    await rm(file, { force: true });
    if (!/No space left/i.test(r.stderr)) throw new FaultlineError('fill', `${what}: fallocate ${file}: ${r.tail}`);
  }
  throw new FaultlineError('fill', `${what}: could not fill ${dirname(file)}: it kept changing while being filled (${ATTEMPTS} attempts)`);
}
