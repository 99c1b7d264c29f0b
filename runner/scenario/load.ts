/** Loads scenario files: YAML with positions, JSON Schema, then the rules a schema cannot say. */
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Capability } from '../core/contracts.js';
import { InvalidInputError, type InputProblem } from '../core/errors.js';
import { mustDuration, mustPercent } from '../core/units.js';
import type { Catalog } from '../core/catalog.js';
import { scenarioSchema } from './schema.js';
import type { GatePlan, Scenario, Step, Trigger, WorkloadPlan } from './types.js';
import { parseYaml, readSource, validateAgainst, type SourceDocument } from '../spec/yaml-document.js';
import { fastDocument } from '../spec/fast-yaml.js';
import { annotateOrigins, paramsSchema, resolveParams, substituteReferences, type ParamInputs, type ResolvedParam } from './params.js';
import { checkLimits, type StandLimits } from './limits.js';
import type { JsonSchema } from '../core/contracts.js';

const stepKinds = ['gate', 'fault', 'revert', 'wait', 'action'] as const;
const defaultTimeoutMs = 30 * 60_000;

type Raw = Record<string, any>;

function onlyKey(obj: Raw): [string, unknown] {
  const [k] = Object.keys(obj);
  return [k!, obj[k!]];
}

function trimTitle(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 77)}…` : one;
}

/** Checks what the schema cannot and builds the engine's shape; problems are appended. */
function build(doc: SourceDocument, { faults, probes, workloads }: Catalog, problems: InputProblem[]): Scenario {
  const raw = doc.value as Raw;
  const spec = raw.spec as Raw;
  const requires = new Set<Capability>(spec.requires ?? []);
  const workloadPlans: WorkloadPlan[] = [];
  const workloadNames = new Set<string>();
  (spec.workloads ?? []).forEach((w: Raw, i: number) => {
    const { name, ...rest } = w;
    const [kind, wspec] = onlyKey(rest);
    if (workloadNames.has(name)) problems.push(doc.problem(['spec', 'workloads', i, 'name'], `duplicate workload name "${name}"`));
    workloadNames.add(name);
    workloads.get(kind)?.requires.forEach((c) => requires.add(c));
    workloadPlans.push({ name, kind, spec: wspec ?? {} });
  });

  const steps: Step[] = [];
  const ids = new Set<string>();
  const injected: { id: string; kind: string }[] = [];
  // steps left out by `if: false`: a revert of one is left out too, a since naming one counts from the gate's start
  const skipped: { id: string; kind: string }[] = [];
  (spec.steps as Raw[]).forEach((s, index) => {
    const at = (...rest: (string | number)[]) => ['spec', 'steps', index, ...rest];
    if (s.if === false) {
      if (s.fault) {
        const [fkind] = onlyKey(s.fault);
        skipped.push({ id: (s.id as string | undefined) ?? `${fkind}#${index}`, kind: fkind });
      }
      return;
    }
    const present = stepKinds.filter((k) => k in s);
    if (present.length !== 1) {
      problems.push(doc.problem(at(), present.length ? `has ${present.join(' and ')}; a step is exactly one of ${stepKinds.join(', ')}` : `must be one of ${stepKinds.join(', ')}`));
      return;
    }
    let when: Trigger | undefined;
    if (s.when) {
      const w = s.when as Raw;
      if ('after' in w && ('workload' in w || 'progress' in w)) problems.push(doc.problem(at('when'), 'give either after, or workload and progress'));
      else if ('after' in w) when = { afterMs: mustDuration(w.after) };
      else if (w.workload && w.progress) {
        if (!workloadNames.has(w.workload)) problems.push(doc.problem(at('when', 'workload'), `no workload named "${w.workload}" in spec.workloads`));
        when = { workload: w.workload, progress: mustPercent(w.progress) };
      } else problems.push(doc.problem(at('when'), 'must be { after: <duration> } or { workload: <name>, progress: <percent> }'));
    }
    if ('id' in s && !('fault' in s)) problems.push(doc.problem(at('id'), 'only a fault step takes an id'));
    const kind = present[0]!;
    const base = { index, when };
    switch (kind) {
      case 'gate': {
        const g = s.gate as Raw;
        const [probe, pspec] = onlyKey(g.probe);
        const def = probes.get(probe);
        def?.requires.forEach((c) => requires.add(c));
        const plan: GatePlan = { name: g.name, probe, spec: pspec ?? {}, mode: 'once', expectFail: g.expect === 'fail' };
        if (g.within && g.during) problems.push(doc.problem(at('gate'), 'give within or during, not both'));
        if (g.within) Object.assign(plan, { mode: 'within', boundMs: mustDuration(g.within) });
        if (g.during) {
          Object.assign(plan, {
            mode: 'during',
            windowMs: mustDuration(g.during.window),
            min: mustPercent(g.during.min),
            everyMs: g.during.every ? mustDuration(g.during.every) : 1000,
          });
        }
        if (g.since !== undefined) {
          if (!g.within) problems.push(doc.problem(at('gate', 'since'), 'since goes with within'));
          else if (ids.has(g.since)) plan.since = g.since;
          else if (!skipped.some((f) => f.id === g.since)) problems.push(doc.problem(at('gate', 'since'), `no earlier step with id "${g.since}"`));
        }
        steps.push({ ...base, type: 'gate', title: g.name, gate: plan });
        break;
      }
      case 'fault': {
        const [fkind, fspec] = onlyKey(s.fault);
        const def = faults.get(fkind);
        def?.requires.forEach((c) => requires.add(c));
        const id = (s.id as string | undefined) ?? `${fkind}#${index}`;
        if (ids.has(id)) problems.push(doc.problem(at('id'), `duplicate step id "${id}"`));
        ids.add(id);
        injected.push({ id, kind: fkind });
        const title = def ? def.describe(fspec ?? {}) : fkind;
        steps.push({ ...base, type: 'fault', id, kind: fkind, spec: fspec ?? {}, title });
        break;
      }
      case 'revert': {
        const target = s.revert as string;
        const idx = injected.findLastIndex((f) => f.id === target || f.kind === target);
        if (idx < 0 && skipped.some((f) => f.id === target || f.kind === target)) return;
        if (idx < 0) problems.push(doc.problem(at('revert'), `no earlier fault "${target}" to revert (give a fault kind or a fault step id)`));
        else injected.splice(idx, 1);
        steps.push({ ...base, type: 'revert', target, title: `revert ${target}` });
        break;
      }
      case 'wait':
        steps.push({ ...base, type: 'wait', ms: mustDuration(s.wait), title: `wait ${s.wait}` });
        break;
      case 'action': {
        const a = s.action as Raw;
        const name = a.name ?? trimTitle(a.run);
        steps.push({ ...base, type: 'action', name, run: a.run, timeoutMs: a.timeout ? mustDuration(a.timeout) : 60_000, exit: a.exit ?? 0, title: name });
        break;
      }
    }
  });
  return {
    file: doc.file,
    name: raw.metadata.name,
    description: raw.metadata.description,
    labels: raw.metadata.labels ?? {},
    requires: [...requires].sort(),
    repeat: spec.repeat ?? 1,
    timeoutMs: spec.timeout ? mustDuration(spec.timeout) : defaultTimeoutMs,
    continueOnFailure: spec.continueOnFailure ?? false,
    workloads: workloadPlans,
    steps,
  };
}

export interface LoadOptions {
  /** values for spec.params from the stand file and --param */
  params?: ParamInputs;
  /** the stand's blast-radius limits; a scenario that could exceed one is refused */
  limits?: StandLimits;
}

/** spec.params is checked on its own first: resolving references needs well-formed declarations. */
export const paramsOnly: JsonSchema = { type: 'object', properties: { spec: { type: 'object', properties: { params: paramsSchema } } } };

/**
 * Loads one scenario file; every problem found is returned, none thrown. The fast parser's
 * value is checked first (spec/fast-yaml.ts); a file it leaves to yaml, or with any problem,
 * is read again by yaml and checked again, so problems are always yaml's, at file:line:col.
 */
export async function loadScenarioFile(file: string, catalog: Catalog, opts: LoadOptions = {}): Promise<{ scenario?: Scenario; problems: InputProblem[] }> {
  const { text, problems } = await readSource(file);
  if (text === undefined) return { problems };
  const fast = fastDocument(file, text);
  if (fast) {
    const r = checkScenario(fast, catalog, opts);
    if (!r.problems.length) return r;
  }
  const parsed = parseYaml(file, text);
  return parsed.doc ? checkScenario(parsed.doc, catalog, opts) : { problems: parsed.problems };
}

/** The checks of one parsed scenario file, in order; a stage with problems stops the later ones. */
export function checkScenario(doc: SourceDocument, catalog: Catalog, opts: LoadOptions): { scenario?: Scenario; problems: InputProblem[] } {
  if (!isMapping(doc.value)) {
    const what = doc.value === null || doc.value === undefined ? 'holds no document' : `is a ${Array.isArray(doc.value) ? 'list' : typeof doc.value}`;
    return { problems: [doc.problem([], `${what}; a scenario is a mapping with apiVersion, kind, metadata and spec`)] };
  }
  const paramProblems = validateAgainst(doc, paramsOnly);
  if (paramProblems.length) return { problems: paramProblems };
  let params = new Map<string, ResolvedParam>();
  let origins = new Map<string, string>();
  if (isMapping(doc.value.spec)) {
    const found: InputProblem[] = [];
    params = resolveParams(doc, opts.params ?? {}, found);
    origins = substituteReferences(doc, params, found);
    if (found.length) return { problems: found };
  }
  const schemaProblems = validateAgainst(doc, scenarioSchema(catalog));
  if (schemaProblems.length) return { problems: annotateOrigins(schemaProblems, origins, params) };
  const semantic: InputProblem[] = [];
  const scenario = build(doc, catalog, semantic);
  scenario.params = Object.fromEntries(params);
  if (!semantic.length && opts.limits) semantic.push(...checkLimits(doc, scenario, opts.limits, catalog.faults));
  return semantic.length ? { scenario: undefined, problems: annotateOrigins(semantic, origins, params) } : { scenario, problems: [] };
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Expands files and directories (recursively, *.yaml / *.yml) in a stable order. */
export async function expandScenarioPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string, explicit: boolean): Promise<void> => {
    let st;
    try {
      st = await stat(p);
    } catch {
      out.push(p); // reported as unreadable by the loader
      return;
    }
    if (st.isDirectory()) {
      const entries = (await readdir(p)).sort();
      for (const e of entries) await walk(join(p, e), false);
    } else if (explicit || /\.ya?ml$/.test(p)) out.push(p);
  };
  for (const p of paths) await walk(p, true);
  return out.map((p) => relative(process.cwd(), p) || p);
}

/** Loads every scenario; throws one InvalidInputError listing every problem in every file. */
export async function loadScenarios(paths: string[], catalog: Catalog, opts: LoadOptions = {}): Promise<Scenario[]> {
  const files = await expandScenarioPaths(paths);
  const problems: InputProblem[] = [];
  const scenarios: Scenario[] = [];
  const names = new Map<string, string>();
  for (const file of files) {
    const r = await loadScenarioFile(file, catalog, opts);
    problems.push(...r.problems);
    if (!r.scenario) continue;
    const other = names.get(r.scenario.name);
    if (other) problems.push({ file, path: 'metadata.name', message: `"${r.scenario.name}" is also the name of ${other}` });
    names.set(r.scenario.name, file);
    scenarios.push(r.scenario);
  }
  if (!files.length) problems.push({ file: paths.join(' '), path: '', message: 'no scenario files (*.yaml) found' });
  // a --param no scenario declares is a typo; a stand file may set params for a whole library
  const declared = new Set(scenarios.flatMap((s) => Object.keys(s.params ?? {})));
  for (const name of opts.params?.cli?.keys() ?? []) {
    if (!problems.length && !declared.has(name)) problems.push({ file: `--param ${name}`, path: '', message: `unknown param: no scenario here declares it${declared.size ? ` (declared: ${[...declared].sort().join(', ')})` : ''}` });
  }
  if (problems.length) throw new InvalidInputError(problems, 'fix the files above; `faultline validate` checks them without running anything');
  return scenarios;
}
