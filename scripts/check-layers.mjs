#!/usr/bin/env node
// `npm run check:layers [root]`: the picture of the house, checked. Every import of a
// file under runner/ must follow the arrows below (cli -> engine -> plug-ins -> shared
// kits -> core), and no two files may import each other in a circle (type imports count:
// a circle of types is a knot in the design all the same). Exits 1 listing every breach.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), '..'));
const runner = join(root, 'runner');

const kits = ['spec', 's3', 'kube', 'measure'];
const plugins = ['faults', 'probes', 'workloads', 'stands'];
/** folder (or top-level file) -> the folders it may import besides itself */
const allowed = {
  core: [],
  ...Object.fromEntries(kits.map((k) => [k, ['core', ...kits]])),
  ...Object.fromEntries(plugins.map((p) => [p, ['core', ...kits]])),
  scenario: ['core', 'spec'],
  report: ['core', 's3'],
  engine: ['core', ...kits, 'scenario', 'report'],
  'catalog.ts': ['core', ...plugins],
  cli: ['*'],
};

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    if (target.startsWith(runner + sep)) out.push(target);
  }
  return out;
}

const layerOf = (file) => relative(runner, file).split(sep)[0];
const show = (file) => relative(root, file);

const all = files(runner);
const graph = new Map(all.map((f) => [f, importsOf(f)]));
const breaches = [];

for (const [file, targets] of graph) {
  const from = layerOf(file);
  const may = allowed[from];
  if (!may) {
    breaches.push(`${show(file)}: runner/${from} is in no layer; add it to scripts/check-layers.mjs`);
    continue;
  }
  for (const t of targets) {
    const to = layerOf(t);
    if (to === from || may.includes('*') || may.includes(to)) continue;
    breaches.push(`${show(file)} imports ${show(t)}: runner/${from} may import only ${may.join(', ') || 'nothing else of runner/'}`);
  }
}

// circles: strongly connected components of more than one file (Tarjan)
let index = 0;
const stack = [];
const meta = new Map();
function visit(v) {
  const m = { index, low: index, onStack: true };
  index++;
  meta.set(v, m);
  stack.push(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    const mw = meta.get(w);
    if (!mw) {
      visit(w);
      m.low = Math.min(m.low, meta.get(w).low);
    } else if (mw.onStack) m.low = Math.min(m.low, mw.index);
  }
  if (m.low === m.index) {
    const scc = [];
    let w;
    do {
      w = stack.pop();
      meta.get(w).onStack = false;
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1) breaches.push(`import circle: ${scc.map(show).sort().join(' <-> ')}`);
  }
}
for (const f of graph.keys()) if (!meta.has(f)) visit(f);

if (breaches.length) {
  process.stderr.write(`check:layers: ${breaches.length} breach${breaches.length === 1 ? '' : 'es'}\n${breaches.map((b) => `  ${b}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`check:layers: ${all.length} files, ${[...graph.values()].reduce((n, t) => n + t.length, 0)} imports, no breach, no circle\n`);
