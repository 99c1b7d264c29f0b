/**
 * The crash test's loop, shared by the local and kwok stands: start the real CLI runner on
 * a scenario with several faults, SIGKILL it at a random instant (seeded, printed), then,
 * with no command run, wait until the stand shows no leftover fault, and measure how long
 * that took. Between instants the stand must be fully healthy again.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { pollUntil } from '../../runner/core/abort.js';
import { packageRoot } from '../../runner/core/files.js';
import { readJournal } from '../../runner/engine/journal.js';
import { LEASE_MS } from '../../runner/engine/watchdog.js';

export interface CrashOptions {
  stand: string;
  scenario: string;
  /** SIGKILL between these many ms after the runner starts */
  killWindowMs: [number, number];
  /** what is still faulty on the stand, in words ([] = healed); must not change the stand */
  leftovers(signal: AbortSignal): Promise<string[]>;
  /** after healing: wait until the stand serves again (before the next instant) */
  settle(): Promise<void>;
  /** how long healing may take after the kill: the lease plus the reverts */
  healMs: number;
  log(line: string): void;
}

export interface Instant {
  killAtMs: number;
  /** faults injected (journaled) and not reverted when the runner died */
  active: number;
  /** kill -> no leftover */
  healedMs: number;
}

/** mulberry32: small, seeded, good enough to spread kill instants */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function crashOnce(o: CrashOptions, killAtMs: number): Promise<Instant> {
  const results = await mkdtemp(join(tmpdir(), 'fl-crash-'));
  const runner = execa(process.execPath, [join(packageRoot(), 'bin', 'faultline.js'), 'run', o.scenario, '--stand', o.stand, '--results', results], {
    reject: false,
    timeout: 300_000,
    env: { NO_COLOR: '1' },
    cwd: results,
  });
  await new Promise((r) => setTimeout(r, killAtMs));
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
    throw new Error(`killed at ${killAtMs} ms with ${active} fault(s) active: still faulty ${o.healMs} ms after the kill: ${last.join('; ')} (${dirs[0]})`, { cause: err });
  }
  const healedMs = Date.now() - killedAt;
  await o.settle();
  return { killAtMs, active, healedMs };
}

export async function crashMany(o: CrashOptions, n: number, seed: number): Promise<Instant[]> {
  const rnd = seeded(seed);
  o.log(`crash test on ${o.stand}: ${n} SIGKILLs, seed ${seed} (FAULTLINE_CRASH_SEED), lease ${LEASE_MS} ms`);
  const out: Instant[] = [];
  for (let i = 0; i < n; i++) {
    const at = Math.round(o.killWindowMs[0] + rnd() * (o.killWindowMs[1] - o.killWindowMs[0]));
    const x = await crashOnce(o, at);
    o.log(`  #${i + 1}: killed at ${at} ms with ${x.active} fault(s) active; no leftover ${x.healedMs} ms after the kill`);
    out.push(x);
  }
  const healed = out.map((x) => x.healedMs).sort((a, b) => a - b);
  o.log(`  ${n} kills, ${out.filter((x) => x.active >= 2).length} with 2+ faults active; kill -> healed median ${healed[Math.floor(n / 2)]} ms, max ${healed[n - 1]} ms`);
  return out;
}
