/**
 * The dead-man's switch mechanics with a real detached watchdog process and a real runner
 * process that is SIGKILLed. The fault kind here is one the watchdog does not know, so its
 * replay is recorded as a failed revert: what is under test is that the watchdog outlives
 * the runner, acts once the lease lapses (not before), records it, and exits. That it
 * really heals a stand is the crash test's part (test/stands/local/crash.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { pollUntil } from '../../runner/core/abort.js';
import { packageRoot } from '../../runner/core/files.js';
import { readJournal } from '../../runner/engine/journal.js';
import { LEASE_MS, liveWatchdog } from '../../runner/engine/watchdog.js';

const dist = join(packageRoot(), 'dist', 'runner', 'engine');

/** A runner that journals one fault, arms the watchdog, says "armed", then (unless told) waits forever. */
function fakeRunner(dir: string, thenRevert: boolean): ResultPromise {
  const stand = { name: 'plain', ref: join(packageRoot(), 'test', 'fixtures', 'stands', 'plain.yaml') };
  const code = `
    import { Journal, journalBegin } from ${JSON.stringify(join(dist, 'journal.js'))};
    import { Watchdog } from ${JSON.stringify(join(dist, 'watchdog.js'))};
    const j = await Journal.open(${JSON.stringify(dir)});
    await j.append(journalBegin('wd'));
    await j.append({ type: 'inject', at: Date.now(), id: 'k/0/a', run: 'k', kind: 'test.unknown-to-watchdog', stand: ${JSON.stringify(stand)}, undo: {}, description: 'a fault' });
    const w = new Watchdog(${JSON.stringify(dir)});
    await w.arm();
    console.log('armed');
    if (${thenRevert}) { await j.append({ type: 'reverted', at: Date.now(), id: 'k/0/a', by: 'run' }); w.dispose(); }
    else setInterval(() => {}, 1000);
  `;
  return execa(process.execPath, ['--input-type=module', '-e', code], { reject: false, timeout: 60_000, buffer: true });
}

async function armed(child: ResultPromise): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => String(d).includes('armed') && resolve());
    void child.then((r) => reject(new Error(`runner exited: ${r.stderr}`)));
  });
}

describe('watchdog (dead-man\'s switch)', function () {
  this.timeout(60_000);

  it('outlives a SIGKILLed runner and replays the journal once the lease lapses, not before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fl-wd-'));
    const runner = fakeRunner(dir, false);
    await armed(runner);
    const wd = await liveWatchdog(dir);
    assert.ok(wd, 'a watchdog holds the run folder');
    const killedAt = Date.now();
    runner.kill('SIGKILL');
    await runner;
    const journal = join(dir, 'journal.jsonl');
    await pollUntil('the watchdog to see the lease lapse', LEASE_MS + 10_000, AbortSignal.timeout(30_000), async () =>
      /"event":"lease-lapsed"/.test(await readFile(journal, 'utf8')) ? true : undefined, 100);
    const acted = Date.now() - killedAt;
    assert.ok(acted >= LEASE_MS - 1500, `acted ${acted} ms after the kill: the lease (${LEASE_MS} ms) had not lapsed yet`);
    assert.ok(acted <= LEASE_MS + 3000, `acted ${acted} ms after the kill`);
    assert.match(await readFile(journal, 'utf8'), /"type":"watchdog","at":\d+,"event":"lease-lapsed".*runner \d+ gone/);
    const j = await pollUntil('the watchdog to replay', 15_000, AbortSignal.timeout(20_000), async () => {
      const s = await readJournal(journal);
      return s.pending[0]?.lastError ? s : undefined;
    }, 100);
    assert.match(j.pending[0]!.lastError!, /does not know fault kind test.unknown-to-watchdog/);
    await pollUntil('the watchdog to exit', 5_000, AbortSignal.timeout(10_000), async () => ((await liveWatchdog(dir)) ? undefined : true));
  });

  it('exits by itself once nothing is pending, without touching anything', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fl-wd-'));
    const runner = fakeRunner(dir, true);
    await armed(runner);
    await runner;
    await pollUntil('the watchdog to exit', 3_000, AbortSignal.timeout(10_000), async () => ((await liveWatchdog(dir)) ? undefined : true));
    assert.doesNotMatch(await readFile(join(dir, 'journal.jsonl'), 'utf8'), /lease-lapsed/);
  });

  it('does not act while the runner renews its lease', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fl-wd-'));
    const runner = fakeRunner(dir, false);
    await armed(runner);
    await new Promise((r) => setTimeout(r, LEASE_MS * 2));
    assert.ok(await liveWatchdog(dir));
    assert.doesNotMatch(await readFile(join(dir, 'journal.jsonl'), 'utf8'), /lease-lapsed|revert-failed/);
    runner.kill('SIGKILL');
    await runner;
    await pollUntil('the watchdog to act and exit', LEASE_MS + 10_000, AbortSignal.timeout(30_000), async () => ((await liveWatchdog(dir)) ? undefined : true), 100);
  });
});
