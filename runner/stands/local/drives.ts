/** Node drives: size-limited tmpfs mounts (netns mode) or plain directories (loopback mode). */
import { mkdir, readFile, rm, statfs, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { fillWith } from '../../core/fill.js';
import { run } from './exec.js';

export const FILL_NAME = '.faultline-fill';

export interface DriveUsage {
  path: string;
  size: number;
  used: number;
}

/** Mount points at or below `root`, deepest first (so they unmount in order). */
export async function mountsUnder(root: string): Promise<{ target: string; fstype: string; options: string }[]> {
  const text = await readFile('/proc/self/mounts', 'utf8');
  const decode = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return text
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f.length >= 4)
    .map((f) => ({ target: decode(f[1]!), fstype: f[2]!, options: f[3]! }))
    .filter((m) => m.target === root || m.target.startsWith(root + sep))
    .sort((a, b) => b.target.length - a.target.length);
}

export async function mountTmpfs(path: string, bytes: number, signal: AbortSignal): Promise<void> {
  await mkdir(path, { recursive: true });
  if ((await mountsUnder(path)).some((m) => m.target === path)) return;
  await run('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'faultline-drive', path], signal);
}

export async function unmount(path: string, signal: AbortSignal): Promise<void> {
  const r = await run('umount', [path], signal, { allowFailure: true });
  // A process we could not see may still hold it; detach it so down always finishes.
  if (!r.ok && (await mountsUnder(path)).some((m) => m.target === path)) await run('umount', ['-l', path], signal);
}

export async function usage(path: string): Promise<DriveUsage> {
  const s = await statfs(path);
  return { path, size: s.blocks * s.bsize, used: (s.blocks - s.bfree) * s.bsize };
}

/** Size and the free bytes an unprivileged writer could still use (f_bavail). */
export async function space(path: string): Promise<{ size: number; free: number }> {
  const s = await statfs(path);
  return { size: s.blocks * s.bsize, free: s.bavail * s.bsize };
}

export const fillPath = (drive: string): string => join(drive, FILL_NAME);

/** Grows the drive's filler file until `fraction` of the drive is in use (filling twice to the same fraction changes nothing). */
export async function fill(drive: string, fraction: number, signal: AbortSignal): Promise<{ file: string; bytes: number }> {
  const file = fillPath(drive);
  return { file, bytes: await fillWith(file, fraction, signal, `fill of ${drive}`) };
}

export async function clearFill(file: string): Promise<void> {
  await rm(file, { force: true });
}

export async function fileSize(file: string): Promise<number> {
  return stat(file).then(
    (s) => s.size,
    () => 0,
  );
}
