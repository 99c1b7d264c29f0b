/**
 * Loader fuzz: mutates the shipped scenario and stand files (text and structure) and loads
 * each mutant. A crash is any error other than invalid input; every rejection must be
 * positioned (file:line:col). Deterministic for a seed.
 *
 *   node dist/bench/fuzz-loader.js [--iterations 2000] [--seed 1]
 *
 * Exits 1 when a crash or an unpositioned problem is found, printing the mutant.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { InvalidInputError, type InputProblem } from '../runner/core/errors.js';
import { packageRoot } from '../runner/core/files.js';
import { loadScenarioFile } from '../runner/scenario/load.js';
import { readStandSettings } from '../runner/cli/scenario-inputs.js';
import { defaultCatalog } from '../runner/catalog.js';
import { seededRandom } from '../runner/core/random.js';

const catalog = defaultCatalog();

export interface FuzzFinding {
  kind: 'crash' | 'unpositioned';
  source: string;
  mutation: string;
  detail: string;
  text: string;
}

export interface FuzzResult {
  iterations: number;
  accepted: number;
  rejected: number;
  findings: FuzzFinding[];
}


const oddValues: unknown[] = [
  null, '', 0, -1, 1.5, 1e309, true, [], {}, [[]], { a: null }, '~', '${{ params.zz }}', '${{ params.node', '${{ }}', 'x'.repeat(5000),
  '100%', '101%', '0s', '-3s', 'NaN', '*', 'node4', '${{ params.node }}',
];

const textInserts = ['{', '}', '[', ']', ':', '- ', '~', '&a ', '*a', '!!binary ', '${{ ', '\t', '"', "'", '#', '? ', '|', '>', '%YAML 1.2\n---\n', '\u0000', '\uFEFF', '<<: *a\n'];

type Mutator = (text: string, r: () => number) => { text: string; name: string };

const pick = <T>(xs: readonly T[], r: () => number): T => xs[Math.floor(r() * xs.length)]!;

const textMutators: Mutator[] = [
  (t, r) => {
    const lines = t.split('\n');
    lines.splice(Math.floor(r() * lines.length), 1);
    return { text: lines.join('\n'), name: 'delete a line' };
  },
  (t, r) => {
    const lines = t.split('\n');
    const i = Math.floor(r() * lines.length);
    lines.splice(i, 0, lines[i]!);
    return { text: lines.join('\n'), name: 'duplicate a line' };
  },
  (t, r) => ({ text: t.slice(0, Math.floor(r() * t.length)), name: 'truncate' }),
  (t, r) => {
    const at = Math.floor(r() * t.length);
    const ins = pick(textInserts, r);
    return { text: t.slice(0, at) + ins + t.slice(at), name: `insert ${JSON.stringify(ins)}` };
  },
  (t, r) => {
    const lines = t.split('\n');
    const i = Math.floor(r() * lines.length);
    lines[i] = (r() < 0.5 ? ' ' : '') + lines[i]!.replace(/^ {1,2}/, r() < 0.5 ? '' : '    ');
    return { text: lines.join('\n'), name: 're-indent a line' };
  },
  (_t, r) => ({ text: pick(['', '# only a comment\n', '~\n', '---\n---\n', '[]\n', '"x"\n', '&a [*a]\n', 'a: &x [1]\nb: [*x, *x, *x]\n'], r), name: 'replace the whole file' }),
  (t) => {
    // an alias bomb: many aliases of one anchor
    return { text: `x: &a [1, 2, 3]\ny: [${Array.from({ length: 200 }, () => '*a').join(', ')}]\n${t}`, name: 'alias bomb' };
  },
];

/** Replaces the value at a random path of the parsed document. */
function structural(text: string, r: () => number): { text: string; name: string } | undefined {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 50, logLevel: 'silent' });
  } catch {
    return undefined;
  }
  const paths: (string | number)[][] = [];
  const seen = new WeakSet<object>();
  const walk = (v: unknown, path: (string | number)[]) => {
    paths.push(path);
    // an anchor used inside itself makes a cycle
    if (v && typeof v === 'object') {
      if (seen.has(v)) return;
      seen.add(v);
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(doc, []);
  const path = pick(paths, r);
  const value = pick(oddValues, r);
  if (!path.length) return { text: stringify(value), name: 'replace the root' };
  let parent = doc as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (r() < 0.2 && !Array.isArray(parent)) {
    delete parent[last];
    return { text: stringify(doc), name: `delete ${path.join('.')}` };
  }
  parent[last] = structuredClone(value);
  return { text: stringify(doc), name: `set ${path.join('.')} = ${JSON.stringify(value)?.slice(0, 40)}` };
}

/** One to three mutations stacked on a file's text, and their names. */
export function mutant(text: string, r: () => number): { text: string; name: string } {
  let m = { text, name: '' };
  for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
    const next = r() < 0.5 ? structural(m.text, r) ?? pick(textMutators, r)(m.text, r) : pick(textMutators, r)(m.text, r);
    m = { text: next.text, name: m.name ? `${m.name}; ${next.name}` : next.name };
  }
  return m;
}

export async function corpus(): Promise<{ kind: 'scenario' | 'stand'; file: string; text: string }[]> {
  const root = packageRoot();
  const out: { kind: 'scenario' | 'stand'; file: string; text: string }[] = [];
  const add = async (kind: 'scenario' | 'stand', dir: string) => {
    for (const f of (await readdir(dir)).filter((x) => x.endsWith('.yaml')).sort()) out.push({ kind, file: join(dir, f), text: await readFile(join(dir, f), 'utf8') });
  };
  await add('scenario', join(root, 'scenarios', 's3'));
  await add('scenario', join(root, 'scenarios', 'k8s'));
  await add('stand', join(root, 'stands'));
  await add('stand', join(root, 'stands', 'examples'));
  return out;
}

function unpositioned(problems: InputProblem[]): InputProblem | undefined {
  return problems.find((p) => p.line === undefined || p.col === undefined);
}

export async function fuzzLoader(opts: { iterations: number; seed: number }): Promise<FuzzResult> {
  const r = seededRandom(opts.seed);
  const files = await corpus();
  const dir = await mkdtemp(join(tmpdir(), 'fl-fuzz-'));
  const exampleStand = (await readStandSettings(join(packageRoot(), 'stands', 'examples', 'rustfs-openebs.yaml'), catalog))!;
  const result: FuzzResult = { iterations: 0, accepted: 0, rejected: 0, findings: [] };
  try {
    for (let i = 0; i < opts.iterations; i++) {
      const src = pick(files, r);
      const m = mutant(src.text, r);
      const file = join(dir, `${src.kind}-${i}.yaml`);
      await writeFile(file, m.text);
      result.iterations++;
      const finding = (kind: FuzzFinding['kind'], detail: string) => result.findings.push({ kind, source: src.file, mutation: m.name, detail, text: m.text });
      try {
        if (src.kind === 'scenario') {
          // with and without a stand's params and limits
          const withStand = r() < 0.5;
          const got = await loadScenarioFile(file, catalog, withStand ? { params: { stand: exampleStand.params }, limits: exampleStand.limits } : {});
          if (got.scenario) result.accepted++;
          else {
            result.rejected++;
            const bad = unpositioned(got.problems.filter((p) => p.file === file));
            if (bad) finding('unpositioned', `${bad.path}: ${bad.message}`);
          }
        } else {
          await readStandSettings(file, catalog);
          result.accepted++;
        }
      } catch (err) {
        if (err instanceof InvalidInputError) {
          result.rejected++;
          const bad = unpositioned(err.problems);
          if (bad) finding('unpositioned', `${bad.path}: ${bad.message}`);
        } else finding('crash', err instanceof Error ? `${err.message}\n${err.stack}` : String(err));
      }
      await rm(file, { force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const t0 = Date.now();
  const res = await fuzzLoader({ iterations: arg('iterations', 2000), seed: arg('seed', 1) });
  for (const f of res.findings.slice(0, 10)) {
    console.log(`\n${f.kind}: ${f.source} (${f.mutation})\n  ${f.detail.split('\n').slice(0, 6).join('\n  ')}\n--- mutant ---\n${f.text.slice(0, 1500)}`);
  }
  console.log(`\n${res.iterations} mutants in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${res.accepted} accepted, ${res.rejected} rejected, ${res.findings.length} findings`);
  process.exitCode = res.findings.length ? 1 : 0;
}
