/**
 * The crash test's loop, shared by the local and kwok stands: start the real CLI runner on
 * a scenario with several faults, SIGKILL it at a random instant (seeded, printed: after a
 * random number of its faults are journaled, plus a random delay), then,
 * with no command run, wait until the stand shows no leftover fault, and measure how long
 * that took. Between instants the stand must be fully healthy again.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { pollUntil } from '../../runner/core/abort.js';
import { packageRoot } from '../../runner/core/files.js';
import { readJournal } from '../../runner/engine/journal.js';
import { LEASE_MS } from '../../runner/engine/watchdog.js';
import { seededRandom } from '../../runner/core/random.js';

export interface CrashOptions {
  stand: string;
  scenario: string;
  /** faults in the scenario: each kill waits for a random 1..faults of them to be journaled */
  faults: number;
  /** then a random extra delay up to this, so kills also land mid-inject and mid-confirm */
  jitterMs: number;
  /** what is still faulty on the stand, in words ([] = healed); must not change the stand */
  leftovers(signal: AbortSignal): Promise<string[]>;
  /** after healing: wait until the stand serves again (before the next instant) */
  settle(): Promise<void>;
  /** how long healing may take after the kill: the lease plus the reverts */
  healMs: number;
  log(line: string): void;
}

export interface Instant {
  /** how many injects the kill waited for, and how long after that it came */
  after: number;
  jitterMs: number;
  /** faults injected (journaled) and not reverted when the runner died */
  active: number;
  /** kill -> no leftover */
  healedMs: number;
}


const injects = async (dir: string): Promise<number> => {
  const runs = await readdir(dir).catch(() => [] as string[]);
  if (!runs.length) return 0;
  const text = await readFile(join(dir, runs[0]!, 'journal.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.includes('"type":"inject"')).length;
};

export async function crashOnce(o: CrashOptions, after: number, jitterMs: number): Promise<Instant> {
  const results = await mkdtemp(join(tmpdir(), 'fl-crash-'));
  const runner = execa(process.execPath, [join(packageRoot(), 'bin', 'faultline.js'), 'run', o.scenario, '--stand', o.stand, '--results', results], {
    reject: false,
    timeout: 300_000,
    env: { NO_COLOR: '1' },
    cwd: results,
  });
  let ended = false;
  void runner.then(() => (ended = true));
  await pollUntil(`the runner to journal ${after} fault(s)`, 120_000, AbortSignal.timeout(130_000), async () => {
    if (ended) throw new Error(`the runner ended before journaling ${after} fault(s): ${(await runner).stdout}`);
    return (await injects(results)) >= after ? true : undefined;
  }, 20);
  await new Promise((r) => setTimeout(r, jitterMs));
  runner.kill('SIGKILL');
  const r = await runner;
  const killedAt = Date.now();
  assert.equal(r.signal, 'SIGKILL', `the runner ended before its kill: ${r.stdout}\n${r.stderr}`);
  const dirs = (await readdir(results)).map((x) => join(results, x));
  const journal = dirs.length ? await readJournal(join(dirs[0]!, 'journal.jsonl')).catch(() => undefined) : undefined;
  const active = journal?.pending.length ?? 0;
  let last: string[] = [];
  try {
    await pollUntil('no leftover fault', o.healMs, AbortSignal.timeout(o.healMs + 30_000), async (s) => {
      last = await o.leftovers(s);
      return last.length ? undefined : true;
    }, 200);
  } catch (err) {
    throw new Error(`killed ${jitterMs} ms after inject #${after} with ${active} fault(s) active: still faulty ${o.healMs} ms after the kill: ${last.join('; ')} (${dirs[0]})`, { cause: err });
  }
  const healedMs = Date.now() - killedAt;
  if (dirs[0]) {
    // the watchdog did it and wrote it down, its exit entry last (a fault journaled but not yet injected heals "before" it acts)
    const path = join(dirs[0], 'journal.jsonl');
    if (active) {
      await pollUntil(`the watchdog to journal its replay in ${dirs[0]}`, o.healMs, AbortSignal.timeout(o.healMs + 5_000), async () =>
        /"event":"exit"/.test(await readFile(path, 'utf8')) && !(await readJournal(path)).pending.length ? true : undefined, 200);
      // and the run record says so, for the reports
      for (const f of (await readdir(join(dirs[0], 'runs')).catch(() => [] as string[])).filter((x) => x.endsWith('.json'))) {
        const rec = JSON.parse(await readFile(join(dirs[0], 'runs', f), 'utf8')) as { status: string; reason?: string };
        assert.equal(rec.status, 'interrupted');
        assert.match(rec.reason ?? '', /the runner vanished mid-run; its watchdog reverted \d+ fault/);
      }
    }
  }
  await o.settle();
  return { after, jitterMs, active, healedMs };
}

export async function crashMany(o: CrashOptions, n: number, seed: number): Promise<Instant[]> {
  const rnd = seededRandom(seed);
  o.log(`crash test on ${o.stand}: ${n} SIGKILLs, seed ${seed} (FAULTLINE_CRASH_SEED), lease ${LEASE_MS} ms`);
  const out: Instant[] = [];
  // a stand already broken before the first kill would be blamed on the watchdog
  await o.settle();
  const before = await o.leftovers(AbortSignal.timeout(60_000));
  assert.deepEqual(before, [], 'the stand carried faults before the crash test began');
  for (let i = 0; i < n; i++) {
    const after = 1 + Math.floor(rnd() * o.faults);
    const jitter = Math.round(rnd() * o.jitterMs);
    const x = await crashOnce(o, after, jitter);
    o.log(`  #${i + 1}: killed ${jitter} ms after journaling fault ${after}, ${x.active} fault(s) active; no leftover ${x.healedMs} ms after the kill`);
    out.push(x);
  }
  const healed = out.map((x) => x.healedMs).sort((a, b) => a - b);
  o.log(`  ${n} kills, ${out.filter((x) => x.active >= 2).length} with 2+ faults active; kill -> healed median ${healed[Math.floor(n / 2)]} ms, max ${healed[n - 1]} ms`);
  return out;
}
