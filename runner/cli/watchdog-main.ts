/**
 * The watchdog process (see watchdog.ts): `node watchdog-main.js <run folder> <runner pid>`.
 * Holds `watchdog.pid` (created exclusively: one watchdog per run folder), watches the
 * journal and the lease, and replays the pending undos when the runner has vanished.
 */
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sleep } from '../core/abort.js';
import { messageOf } from '../core/errors.js';
import { isAlive } from '../core/proc.js';
import { Journal, journalFileName, readJournal } from '../engine/journal.js';
import type { UndoTools } from '../engine/replay.js';
import { HUNG_MS, LEASE_MS, leasePath, liveWatchdog, WATCH_MS, watchdogPidPath } from '../engine/watchdog.js';

const [dir, runnerArg] = process.argv.slice(2);
const runnerPid = Number(runnerArg);
const journalPath = join(dir!, journalFileName);
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} watchdog ${process.pid}: ${line}\n`);

async function claim(): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(watchdogPidPath(dir!), 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await liveWatchdog(dir!)) return false;
      await rm(watchdogPidPath(dir!), { force: true });
    }
  }
  return false;
}

const release = () => rm(watchdogPidPath(dir!), { force: true });

async function note(event: 'armed' | 'lease-lapsed' | 'exit', detail: string): Promise<void> {
  const j = await Journal.open(dir!);
  try {
    await j.append({ type: 'watchdog', at: Date.now(), event, pid: process.pid, detail });
  } finally {
    await j.close();
  }
}

async function leaseAge(): Promise<number> {
  return Date.now() - (await stat(leasePath(dir!)).then((s) => s.mtimeMs, () => 0));
}

/** The replay code and what it undoes with: the catalog's faults, stands resolved through it. */
async function loadReplay() {
  const [{ replayJournal }, { defaultCatalog }, { resolveStand }] = await Promise.all([import('../engine/replay.js'), import('../catalog.js'), import('../stands/resolve.js')]);
  const catalog = defaultCatalog();
  const tools: UndoTools = { faults: catalog.faults, openStand: (ref, signal) => resolveStand(ref, catalog, signal) };
  return { replayJournal, tools };
}

async function main(): Promise<void> {
  if (!(await claim())) return;
  log(`watching ${dir} for runner ${runnerPid} (lease ${LEASE_MS} ms)`);
  // loaded while idle (faults, stands, SDKs: seconds on a busy machine), so a lapse is acted on at once
  const replay = loadReplay();
  replay.catch(() => {});
  for (;;) {
    const j = await readJournal(journalPath);
    if (j.ended) {
      log('the sweep ended; its own reverts ran (anything still pending is for faultline recover)');
      break;
    }
    if (!j.pending.length) {
      // hand over: a fault journaled while we let go finds no watchdog and starts one, or we see it on the second look
      await release();
      if (!(await readJournal(journalPath)).pending.length) {
        log('nothing pending; exiting');
        return;
      }
      if (!(await claim())) return;
      continue;
    }
    const age = await leaseAge();
    const gone = !(await isAlive(runnerPid));
    if (age > LEASE_MS && (gone || age > HUNG_MS)) {
      const why = `lease ${(age / 1000).toFixed(1)} s old, runner ${runnerPid} ${gone ? 'gone' : 'hung'}; reverting ${j.pending.length} fault(s)`;
      log(why);
      await note('lease-lapsed', why);
      const { replayJournal, tools } = await replay;
      const r = await replayJournal(journalPath, { tools, by: 'watchdog', signal: AbortSignal.timeout(10 * 60_000), log });
      await note('exit', `${r.reverted} reverted, ${r.failed} failed`);
      log(`${r.reverted} reverted, ${r.failed} failed`);
      break;
    }
    await sleep(WATCH_MS, AbortSignal.timeout(60_000));
  }
  await release();
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    log(`failed: ${messageOf(err)}`);
    await release().catch(() => {});
    process.exit(1);
  },
);
