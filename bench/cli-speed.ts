/**
 * CLI speed, measured side by side in one run (median of --rounds, the runs interleaved so
 * a busy machine slows all of them alike):
 *   `node -e 0` (the floor), `faultline --help` (cold start), `faultline validate` of 1,000
 *   scenario files through the CLI, and the same load in process (first call, which builds
 *   and compiles the schemas, and warm).
 * Goals (issue #7): --help < 300 ms, validate of 1,000 files through the CLI < 1 s.
 *
 *   node dist/bench/cli-speed.js [--rounds 5] [--files 1000]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../runner/core/files.js';
import { defaultCatalog } from '../runner/catalog.js';
import { expandScenarioPaths, loadScenarios } from '../runner/scenario/load.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** Copies of the shipped scenarios (every one a valid file), each with its own name. */
export async function writeScenarioCopies(dir: string, count: number): Promise<number> {
  const src = (await expandScenarioPaths([join(packageRoot(), 'scenarios')])).filter((f) => !f.includes('/k8s/manifests/'));
  for (let i = 0; i < count; i++) {
    const text = (await readFile(src[i % src.length]!, 'utf8')).replace(/^(\s*name:\s*)(\S+)/m, `$1$2-${i}`);
    await writeFile(join(dir, `s${i}.yaml`), text);
  }
  return src.length;
}

// GNU time gives the child's CPU seconds too: on a shared machine the wall time mostly measures the other tenants
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Wall and CPU (user + sys, when GNU time is there) milliseconds of one child, which must exit 0. */
function timed(args: string[]): { wall: number; cpu?: number } {
  const [cmd, argv] = gnuTime ? [gnuTime, ['-f', 'cpu %U %S', process.execPath, ...args]] : [process.execPath, args];
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')}: exit ${r.status ?? r.signal}: ${String(r.stderr).slice(0, 500)}`);
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(String(r.stderr));
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined };
}

export interface CliSpeed {
  /** medians, ms: wall, and CPU of the child when measured */
  nodeFloor: { wall: number; cpu?: number };
  help: { wall: number; cpu?: number };
  validateCli: { wall: number; cpu?: number };
  validateFirst: number;
  validateWarm: number;
  files: number;
}

function medians(xs: { wall: number; cpu?: number }[]): { wall: number; cpu?: number } {
  const cpus = xs.map((x) => x.cpu).filter((c): c is number => c !== undefined);
  return { wall: median(xs.map((x) => x.wall)), cpu: cpus.length ? median(cpus) : undefined };
}

const figure = (f: { wall: number; cpu?: number }) => `${ms(f.wall).padStart(8)}${f.cpu === undefined ? '' : ` (cpu ${ms(f.cpu)})`}`;

export async function cliSpeed(rounds: number, files: number, log: (line: string) => void): Promise<CliSpeed> {
  const dir = await mkdtemp(join(tmpdir(), 'fl-bench-cli-'));
  try {
    const shipped = await writeScenarioCopies(dir, files);
    const bin = join(packageRoot(), 'bin', 'faultline.js');
    const floor: { wall: number; cpu?: number }[] = [];
    const help: typeof floor = [];
    const cli: typeof floor = [];
    for (let i = 0; i < rounds; i++) {
      floor.push(timed(['-e', '0']));
      help.push(timed([bin, '--help']));
      cli.push(timed([bin, 'validate', dir]));
    }
    const t0 = performance.now();
    const loaded = await loadScenarios([dir], defaultCatalog());
    const first = performance.now() - t0;
    if (loaded.length !== files) throw new Error(`loaded ${loaded.length} of ${files} scenarios`);
    const warm: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      await loadScenarios([dir], defaultCatalog());
      warm.push(performance.now() - t);
    }
    const r: CliSpeed = { nodeFloor: medians(floor), help: medians(help), validateCli: medians(cli), validateFirst: first, validateWarm: median(warm), files };
    const h = r.help.wall;
    const v = r.validateCli.wall;
    log(`CLI speed, median of ${rounds} (${files} files, copies of the ${shipped} shipped scenarios), wall (cpu of the child):`);
    log(`  node -e 0                    ${figure(r.nodeFloor)}`);
    log(`  faultline --help             ${figure(r.help)}  ${(h / r.nodeFloor.wall).toFixed(1)}x node -e 0 (+${ms(h - r.nodeFloor.wall)}); goal < 300 ms: ${h < 300 ? 'met' : 'NOT met'}`);
    log(`  faultline validate, CLI      ${figure(r.validateCli)}  ${(v / files).toFixed(2)} ms/file; goal < 1000 ms: ${v < 1000 ? 'met' : 'NOT met'}`);
    log(`  validate in process, first   ${ms(r.validateFirst).padStart(8)}  (builds the schemas)`);
    log(`  validate in process, warm    ${ms(r.validateWarm).padStart(8)}  ${(r.validateWarm / files).toFixed(2)} ms/file; CLI / warm ${(v / r.validateWarm).toFixed(2)}x`);
    return r;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, files: { type: 'string', default: '1000' } } });
  await cliSpeed(Number(values.rounds), Number(values.files), (l) => process.stdout.write(l + '\n'));
}
