/**
 * The dead-man's switch, runner side. Before the first fault of a sweep is injected, a
 * small watchdog process (cli/watchdog-main.ts) is started outside the runner: detached, in
 * its own session and process group, so a SIGKILL, an OOM kill or a lost terminal of the
 * runner leaves it running. The runner holds a lease (the mtime of `<run folder>/lease`)
 * and renews it every RENEW_MS; once the lease is LEASE_MS old and the runner is gone,
 * the watchdog replays the pending undos of the journal and exits. It also exits by
 * itself once nothing is pending or the sweep has ended, so it never outlives its faults.
 */
import { spawn } from 'node:child_process';
import { open, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pollUntil } from '../core/abort.js';
import { FaultlineError } from '../core/errors.js';
import { isAlive } from '../core/proc.js';

/** How old the lease may get before the watchdog acts (when the runner is gone). */
export const LEASE_MS = 5_000;
/** The runner renews it this often: four renewals may be missed before it lapses. */
export const RENEW_MS = 1_000;
/** A runner whose process still exists but renews nothing for this long is hung: acted on too. */
export const HUNG_MS = 30_000;
/** How often the watchdog looks. */
export const WATCH_MS = 250;

export const leasePath = (dir: string): string => join(dir, 'lease');
export const watchdogPidPath = (dir: string): string => join(dir, 'watchdog.pid');
const START_MS = 10_000;

/** pid of the live watchdog of a run folder, if any. */
export async function liveWatchdog(dir: string): Promise<number | undefined> {
  const pid = Number(await readFile(watchdogPidPath(dir), 'utf8').catch(() => ''));
  return pid && (await isAlive(pid)) ? pid : undefined;
}

export class Watchdog {
  private timer?: NodeJS.Timeout;

  constructor(private readonly dir: string) {}

  /** Renews the lease and makes sure a watchdog watches it; call after journaling a fault, before injecting it. */
  async arm(): Promise<void> {
    await this.renew();
    this.timer ??= setInterval(() => void this.renew().catch(() => {}), RENEW_MS);
    if (await liveWatchdog(this.dir)) return;
    const log = await open(join(this.dir, 'watchdog.log'), 'a');
    try {
      // the process's entry point sits with the other entry points, in cli/
      const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'watchdog-main.js');
      const child = spawn(process.execPath, [main, this.dir, String(process.pid)], { detached: true, stdio: ['ignore', log.fd, log.fd] });
      child.unref();
      const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
      // a fault is only injected once someone watches it
      await Promise.race([
        spawnError,
        pollUntil('the watchdog to start', START_MS, AbortSignal.timeout(START_MS + 1000), async () => ((await liveWatchdog(this.dir)) ? true : undefined), 50),
      ]).catch((err: unknown) => {
        throw new FaultlineError('watchdog', `could not start the watchdog for ${this.dir}`, { cause: err, hint: `see ${join(this.dir, 'watchdog.log')}` });
      });
    } finally {
      await log.close();
    }
  }

  private async renew(): Promise<void> {
    const now = new Date();
    await utimes(leasePath(this.dir), now, now).catch(() => writeFile(leasePath(this.dir), `${process.pid}\n`));
  }

  /** Stops renewing and removes the lease: called once the journal says the sweep ended, so the watchdog exits on its own. */
  async dispose(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await rm(leasePath(this.dir), { force: true });
  }
}
