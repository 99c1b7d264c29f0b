/**
 * Blast-radius limits of a stand (stand file `spec.limits`), checked statically against a
 * loaded scenario before anything runs. "Could exceed" is judged along the step list:
 * a node fault counts as down from its step until its revert (or the end of the run),
 * and every node fault active at once counts; a pod fault's share of its workload is
 * its percent (rounded up to whole pods when the scenario's own k8s.apply shows the
 * replica count), its count over that replica count, 100% for pods.killAll and a scale
 * to 0. When the share cannot be told from the files, the scenario could exceed the limit,
 * so it is refused with what to write instead. Action steps run arbitrary commands and
 * are not judged.
 */
import type { Footprint } from '../core/contracts.js';
import type { InputProblem } from '../core/errors.js';
import type { FaultDef } from '../core/contracts.js';
import type { Scenario, Step } from './types.js';
import type { SourceDocument } from '../spec/yaml-document.js';

export interface StandLimits {
  /** the stand file the limits are written in, and its name */
  file: string;
  stand: string;
  maxNodesDown?: number;
  /** 0..1: of one workload's pods, removed at once */
  maxPodsDown?: number;
  allowNodes?: string[];
  /** globs: `fl-scn-*` */
  allowNamespaces?: string[];
  /** where each limit is written, for the message */
  at: Partial<Record<LimitName, { line?: number; col?: number }>>;
}

export type LimitName = 'maxNodesDown' | 'maxPodsDown' | 'allowNodes' | 'allowNamespaces';

type FaultStep = Extract<Step, { type: 'fault' }>;

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

const pct = (f: number) => `${Math.round(f * 1000) / 10}%`;

/** Replicas and pod labels of the workloads the scenario itself applies. */
function appliedWorkloads(steps: Step[]): { kind: string; name: string; namespace?: string; replicas: number; labels: Record<string, string> }[] {
  const out = [];
  for (const s of steps) {
    if (s.type !== 'fault' || s.kind !== 'k8s.apply') continue;
    for (const o of ((s.spec as { objects?: Record<string, any>[] }).objects ?? [])) {
      if (!['Deployment', 'StatefulSet', 'ReplicaSet'].includes(o.kind)) continue;
      out.push({ kind: o.kind, name: o.metadata?.name, namespace: o.metadata?.namespace, replicas: o.spec?.replicas ?? 1, labels: o.spec?.template?.metadata?.labels ?? {} });
    }
  }
  return out;
}

/** Equality-only selector as labels; undefined when it says more than that. */
function selectorLabels(sel: string | Record<string, string>): Record<string, string> | undefined {
  if (typeof sel !== 'string') return sel;
  const out: Record<string, string> = {};
  for (const part of sel.split(',')) {
    const m = /^\s*([\w./-]+)\s*==?\s*([\w.-]+)\s*$/.exec(part);
    if (!m) return undefined;
    out[m[1]!] = m[2]!;
  }
  return out;
}

export function checkLimits(doc: SourceDocument, scenario: Scenario, limits: StandLimits, faults: ReadonlyMap<string, FaultDef>): InputProblem[] {
  const problems: InputProblem[] = [];
  const limitText = (name: LimitName, value: unknown) => {
    const at = limits.at[name];
    return `the stand ${limits.stand} allows limits.${name}: ${value} (${limits.file}${at?.line ? `:${at.line}:${at.col}` : ''})`;
  };
  const workloads = appliedWorkloads(scenario.steps);
  const active: { step: FaultStep; down: string[] }[] = [];
  const stepName = (s: FaultStep) => `step ${s.index + 1} ${s.kind}${s.id.startsWith(`${s.kind}#`) ? '' : ` (${s.id})`}`;

  for (const step of scenario.steps) {
    if (step.type === 'revert') {
      const i = active.findLastIndex((a) => a.step.id === step.target || a.step.kind === step.target);
      if (i >= 0) active.splice(i, 1);
      continue;
    }
    if (step.type !== 'fault') continue;
    const report = (message: string) => problems.push(doc.problem(['spec', 'steps', step.index, 'fault', step.kind], `${stepName(step)}: ${message}`, true));
    const fp: Footprint | undefined = faults.get(step.kind)?.footprint?.(step.spec);
    if (!fp) {
      report(`declares no footprint, so the limits of stand ${limits.stand} (${limits.file}) cannot be checked for it`);
      continue;
    }
    const down = fp.nodesDown ?? [];
    if (limits.allowNodes) {
      for (const n of [...down, ...(fp.nodes ?? [])]) {
        if (n === '*') report(`picks its node at run time; name it (e.g. keep: [<node>]) to be checked against the allow-list: ${limitText('allowNodes', JSON.stringify(limits.allowNodes))}`);
        else if (!limits.allowNodes.includes(n)) report(`node "${n}" is outside the allow-list: ${limitText('allowNodes', JSON.stringify(limits.allowNodes))}`);
      }
    }
    if (limits.allowNamespaces) {
      for (const ns of fp.namespaces ?? []) {
        if (!limits.allowNamespaces.some((p) => globMatch(p, ns))) report(`namespace "${ns}" is outside the allow-list: ${limitText('allowNamespaces', JSON.stringify(limits.allowNamespaces))}`);
      }
    }
    if (limits.maxNodesDown !== undefined && down.length) {
      const others = active.filter((a) => a.down.length);
      const named = new Set(others.flatMap((a) => a.down.filter((n) => n !== '*')));
      let count = others.reduce((n, a) => n + a.down.filter((d) => d === '*').length, 0) + named.size;
      for (const n of down) if (n === '*' || !named.has(n)) count++, named.add(n);
      if (count > limits.maxNodesDown) {
        const with_ = others.length ? ` with ${others.map((a) => `${stepName(a.step)} (${a.down.join(', ')})`).join(', ')} still injected` : '';
        report(`would have ${count} nodes down at once (${down.join(', ')}${with_}); ${limitText('maxNodesDown', limits.maxNodesDown)}`);
      }
    }
    if (down.length) active.push({ step, down });
    if (limits.maxPodsDown !== undefined && limits.maxPodsDown < 1 && fp.pods) {
      const p = fp.pods;
      const labels = p.selector ? selectorLabels(p.selector) : undefined;
      const target = workloads.find(
        (w) =>
          (w.namespace ?? p.namespace) === p.namespace &&
          (p.workload ? w.kind === p.workload.kind && w.name === p.workload.name : !!labels && Object.entries(labels).every(([k, v]) => w.labels[k] === v)),
      );
      const n = target?.replicas;
      let share: number | undefined;
      let how = '';
      if (p.all) (share = 1), (how = 'every pod');
      else if (p.replicas !== undefined) {
        if (p.replicas === 0) (share = 1), (how = 'scales to 0');
        else if (n) (share = Math.max(0, (n - p.replicas) / n)), (how = `scales ${n} to ${p.replicas}`);
      } else if (p.share !== undefined) {
        share = n ? Math.max(1, Math.ceil(n * p.share)) / n : p.share;
        how = n ? `${Math.max(1, Math.ceil(n * p.share))} of ${n} pods` : `${pct(p.share)} of the pods`;
      } else if (p.count !== undefined && n) (share = Math.min(1, p.count / n)), (how = `${p.count} of ${n} pods`);
      if (share === undefined) {
        report(`cannot tell what share of the workload's pods this removes (the scenario does not apply the workload); give percent: so ${limitText('maxPodsDown', pct(limits.maxPodsDown))} can be checked`);
      } else if (share > limits.maxPodsDown + 1e-9) {
        report(`removes ${pct(share)} of a workload's pods at once (${how}); ${limitText('maxPodsDown', pct(limits.maxPodsDown))}`);
      }
    }
  }
  return problems;
}
