/** Reads the `nodes` part of a kind stand file: which container is which node, and how. */
import { FaultlineError, ExitCode } from '../../core/errors.js';
import { mustDuration } from '../../core/units.js';
import type { KubeTarget } from '../../core/contracts.js';
import { checkTemplates, type Vars } from '../command/template.js';
import type { NodeSpec } from '../../core/stand-kind.js';

/** Templates a kind stand may give; they run inside the node container (`local:` on the runner). */
export const kindCommands = {
  kill: [],
  stop: [],
  start: [],
  fillDisk: ['drive', 'file', 'bytes', 'fraction'],
  clearFill: ['drive', 'file'],
} as const satisfies Record<string, readonly string[]>;

export type KindCommand = keyof typeof kindCommands;

/** Where kind's default StorageClass (local-path) keeps volumes inside a node. */
export const kindDefaultDrive = '/var/local-path-provisioner';

export interface KindNode {
  name: string;
  container: string;
  drives: string[];
  vars: Vars;
}

export interface KindConfig {
  standName: string;
  cluster: string;
  network: string;
  powerOff: 'kill' | 'pause';
  docker: string;
  timeoutMs: number;
  nodes: Map<string, KindNode>;
  commands: Partial<Record<KindCommand, string>>;
}

/** kind names node containers <cluster>-control-plane, <cluster>-worker, <cluster>-worker2, ... */
const roleName = /^(control-plane|worker)\d*$/;

/** `spec.nodes.kind`, validated against the driver's options schema (index.ts). */
export interface KindOptions {
  cluster?: string;
  network?: string;
  powerOff?: 'kill' | 'pause';
  unit?: string;
  process?: string;
  docker?: string;
  commandTimeout?: string;
}

export function readKindConfig(spec: NodeSpec, standName: string, kube?: KubeTarget): KindConfig {
  const o = (spec.kind ?? {}) as KindOptions;
  const problems: string[] = [];
  const cluster = o.cluster ?? /^kind-(.+)$/.exec(kube?.context ?? '')?.[1] ?? 'kind';
  const nodes = new Map<string, KindNode>();
  for (const [name, h] of Object.entries(spec.hosts ?? {})) {
    const container = h.container !== undefined ? String(h.container) : roleName.test(name) ? `${cluster}-${name}` : name;
    const drives = h.drives === undefined ? [kindDefaultDrive] : String(h.drives).split(',').map((s) => s.trim()).filter(Boolean);
    const vars: Vars = { ...h, node: name, container, cluster };
    if (o.unit !== undefined) vars.unit = o.unit;
    if (o.process !== undefined) vars.process = o.process;
    nodes.set(name, { name, container, drives, vars });
  }
  if (!nodes.size) problems.push(`nodes.hosts: list the node containers (e.g. control-plane, worker, or ${cluster}-worker2)`);
  if (o.unit && o.process) problems.push('nodes.kind: give unit or process, not both');

  const defaults: Partial<Record<KindCommand, string>> = {
    fillDisk: 'fallocate -l {{bytes}} {{file}}',
    clearFill: 'rm -f {{file}}',
  };
  if (o.unit) {
    defaults.kill = 'systemctl kill --signal=KILL {{unit}}';
    defaults.stop = 'systemctl stop {{unit}}';
    defaults.start = 'systemctl start {{unit}}';
  } else if (o.process) {
    // pkill exits 1 when nothing matched: already down is fine (idempotent)
    defaults.kill = 'pkill -KILL -x {{process}}; test $? -le 1';
    defaults.stop = 'pkill -TERM -x {{process}}; test $? -le 1';
  }
  const given = spec.commands ?? {};
  problems.push(...checkTemplates(given, kindCommands, Object.fromEntries([...nodes].map(([n, h]) => [n, h.vars]))));
  let timeoutMs = 60_000;
  if (o.commandTimeout !== undefined) {
    try {
      timeoutMs = mustDuration(o.commandTimeout);
    } catch {
      problems.push(`nodes.kind.commandTimeout: not a duration: ${o.commandTimeout}`);
    }
  }
  if (problems.length) {
    throw new FaultlineError('stand-nodes', `stand ${standName}: ${problems.length} problem(s) in nodes:\n  ${problems.join('\n  ')}`, {
      exitCode: ExitCode.invalidInput,
    });
  }
  return {
    standName,
    cluster,
    network: o.network ?? 'kind',
    powerOff: o.powerOff ?? 'kill',
    docker: o.docker ?? 'docker',
    timeoutMs,
    nodes,
    commands: { ...defaults, ...given },
  };
}
