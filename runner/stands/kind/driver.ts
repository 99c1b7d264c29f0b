/**
 * Node driver for kind clusters: each node is a container, driven through the
 * `docker` CLI. Every operation looks at the container first and only acts when
 * needed, so a repeat (or a journal replay) is a no-op.
 */
import type { NodeDriver, NodeGroups, ServiceProcess } from '../../core/contracts.js';
import { FaultlineError, UnsupportedError, messageOf } from '../../core/errors.js';
import { runCommand, type CommandResult } from '../command/run.js';
import { lastLine } from '../../core/child.js';
import { render, type Vars } from '../command/template.js';
import { fillerBytes, fillerPath, parseExisting, usageScript } from '../command/disk.js';
import { parseDriveSpace, parseServiceProcesses, processesByName } from '../command/service.js';
import type { KindCommand, KindConfig, KindNode } from './config.js';

interface ContainerState {
  Running: boolean;
  Paused: boolean;
  Status?: string;
}

export class KindNodeDriver implements NodeDriver {
  readonly kind = 'kind';
  constructor(private readonly cfg: KindConfig) {}

  list(): string[] {
    return [...this.cfg.nodes.keys()];
  }

  /** Whether nodes.kind.process names the storage process (what serviceProcesses looks for). */
  namesProcess(): boolean {
    return [...this.cfg.nodes.values()].every((n) => n.vars.process !== undefined);
  }

  has(cmd: KindCommand): boolean {
    return this.cfg.commands[cmd] !== undefined;
  }

  /** kill: `docker kill` (a cut: processes and the network vanish); pause: `docker pause` (a hang). */
  async powerOff(node: string, signal: AbortSignal): Promise<void> {
    const n = this.node(node);
    const st = await this.state(n, signal);
    if (this.cfg.powerOff === 'kill') {
      if (st.Running) await this.docker(n, ['kill', '--signal', 'KILL', n.container], signal);
    } else if (st.Running && !st.Paused) {
      await this.docker(n, ['pause', n.container], signal);
    }
  }

  /** Undoes either kind of power-off, whatever the stand file says now. */
  async powerOn(node: string, signal: AbortSignal): Promise<void> {
    const n = this.node(node);
    const st = await this.state(n, signal);
    if (!st.Running) await this.docker(n, ['start', n.container], signal);
    else if (st.Paused) await this.docker(n, ['unpause', n.container], signal);
  }

  async pause(node: string, signal: AbortSignal): Promise<void> {
    const n = this.node(node);
    const st = await this.state(n, signal);
    if (!st.Running) throw new FaultlineError('node-command', `${this.where(n)}: cannot pause, the container is ${st.Status ?? 'not running'}`);
    if (!st.Paused) await this.docker(n, ['pause', n.container], signal);
  }

  async resume(node: string, signal: AbortSignal): Promise<void> {
    const n = this.node(node);
    if ((await this.state(n, signal)).Paused) await this.docker(n, ['unpause', n.container], signal);
  }

  /**
   * The first group stays on the kind network; every node of the other groups is
   * disconnected from it, so those nodes lose each other too (a stronger cut than
   * the groups ask for when such a group has several nodes).
   */
  async partition(groups: NodeGroups, signal: AbortSignal): Promise<void> {
    for (const name of groups.slice(1).flat()) {
      const n = this.node(name);
      if (await this.connected(n, signal)) await this.docker(n, ['network', 'disconnect', this.cfg.network, n.container], signal);
    }
  }

  /** Reconnects every grouped node that is off the network. Docker may give it a new address. */
  async heal(groups: NodeGroups, signal: AbortSignal): Promise<void> {
    for (const name of groups.flat()) {
      const n = this.node(name);
      if (!(await this.connected(n, signal))) await this.docker(n, ['network', 'connect', this.cfg.network, n.container], signal);
    }
  }

  async kill(node: string, signal: AbortSignal): Promise<void> {
    await this.exec(node, 'kill', {}, signal, 'start');
  }

  async stop(node: string, signal: AbortSignal): Promise<void> {
    await this.exec(node, 'stop', {}, signal, 'start');
  }

  async start(node: string, signal: AbortSignal): Promise<void> {
    await this.exec(node, 'start', {}, signal);
  }

  async fillDisk(node: string, drive: number, fraction: number, signal: AbortSignal): Promise<{ file: string; bytes: number }> {
    if (!(fraction >= 0 && fraction <= 1)) throw new FaultlineError('invalid-fill', `fill fraction must be 0..1, got ${fraction}`);
    const n = this.node(node);
    const path = this.drive(n, drive);
    const file = fillerPath(path);
    const usage = await this.docker(n, ['exec', n.container, 'sh', '-c', usageScript(path, file)], signal);
    const bytes = fillerBytes(usage.stdout, fraction);
    const existing = parseExisting(usage.stdout);
    if (existing > 0 && existing !== bytes) await this.exec(node, 'clearFill', { drive: path, file }, signal);
    if (bytes > 0 && existing !== bytes) await this.exec(node, 'fillDisk', { drive: path, file, bytes, fraction }, signal, 'clearFill');
    return { file, bytes };
  }

  fillPath(node: string, drive: number): string {
    return fillerPath(this.drive(this.node(node), drive));
  }

  private drive(n: KindNode, drive: number): string {
    const path = n.drives[drive];
    if (path === undefined) throw new FaultlineError('invalid-fill', `kind node ${n.name} has no drive ${drive} (drives: ${n.drives.join(', ')})`);
    return path;
  }

  async clearFill(node: string, file: string, signal: AbortSignal): Promise<void> {
    await this.exec(node, 'clearFill', { drive: file.replace(/\/[^/]*$/, ''), file }, signal);
  }

  /** Off: the container is not running (docker kill) or frozen (docker pause). */
  async powerState(node: string, signal: AbortSignal): Promise<{ off: boolean; value: string }> {
    const n = this.node(node);
    const st = await this.state(n, signal);
    const off = !st.Running || st.Paused;
    return { off, value: `container ${n.container} is ${st.Status ?? (st.Running ? 'running' : 'not running')}` };
  }

  /**
   * The processes named nodes.kind.process. A frozen container cannot be exec'd into:
   * docker top still lists its processes, and every one of them is stopped (T).
   */
  async serviceProcesses(node: string, signal: AbortSignal): Promise<ServiceProcess[]> {
    const n = this.node(node);
    const process = n.vars.process;
    if (process === undefined) throw new UnsupportedError('listing the storage processes', this.cfg.standName, 'give nodes.kind.process');
    const st = await this.state(n, signal);
    if (!st.Running) return [];
    if (!st.Paused) {
      const r = await this.docker(n, ['exec', n.container, 'sh', '-c', render(processesByName, n.vars).command], signal, 'listing the storage processes');
      return parseServiceProcesses(r.stdout);
    }
    const top = await this.docker(n, ['top', n.container, '-o', 'pid,comm'], signal);
    return top.stdout
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter(([pid, comm]) => /^\d+$/.test(pid ?? '') && comm === String(process))
      .map(([pid]) => ({ id: pid!, state: 'T' }));
  }

  async driveSpace(node: string, drive: number, signal: AbortSignal): Promise<{ size: number; free: number }> {
    const n = this.node(node);
    const path = this.drive(n, drive);
    return parseDriveSpace((await this.docker(n, ['exec', n.container, 'df', '-P', '-k', path], signal, `df of ${path}`)).stdout);
  }

  private node(name: string): KindNode {
    const n = this.cfg.nodes.get(name);
    if (!n) throw new FaultlineError('unknown-node', `stand ${this.cfg.standName} has no node ${name} (nodes: ${this.list().join(', ')})`);
    return n;
  }

  private async state(n: KindNode, signal: AbortSignal): Promise<ContainerState> {
    const r = await this.docker(n, ['inspect', '--type', 'container', '--format', '{{json .State}}', n.container], signal);
    try {
      return JSON.parse(lastLine(r.stdout)) as ContainerState;
    } catch {
      throw new FaultlineError('node-command', `${this.where(n)}: docker inspect printed no state: ${lastLine(r.stdout)}`);
    }
  }

  private async connected(n: KindNode, signal: AbortSignal): Promise<boolean> {
    const r = await this.docker(n, ['inspect', '--type', 'container', '--format', '{{json .NetworkSettings.Networks}}', n.container], signal);
    try {
      return Object.hasOwn((JSON.parse(lastLine(r.stdout)) ?? {}) as object, this.cfg.network);
    } catch {
      throw new FaultlineError('node-command', `${this.where(n)}: docker inspect printed no networks: ${lastLine(r.stdout)}`);
    }
  }

  /** A template in the node container (`docker exec <c> sh -c ...`), or on the runner with `local:`. */
  private async exec(node: string, cmd: KindCommand, vars: Vars, signal: AbortSignal, undo?: KindCommand): Promise<CommandResult> {
    for (const c of [cmd, ...(undo ? [undo] : [])]) {
      if (!this.has(c)) {
        throw new UnsupportedError(`node ${cmd}`, this.cfg.standName, `give nodes.kind.unit, nodes.kind.process or commands.${c}`);
      }
    }
    const n = this.node(node);
    let rendered;
    try {
      rendered = render(this.cfg.commands[cmd]!, { ...n.vars, ...vars });
    } catch (e) {
      throw new FaultlineError('stand-template', `kind node ${node}: commands.${cmd}: ${messageOf(e)}`);
    }
    if (!rendered.local) return this.docker(n, ['exec', n.container, 'sh', '-c', rendered.command], signal, `commands.${cmd}`);
    const r = await runCommand({ file: 'sh', args: ['-c', rendered.command], what: `runner (for ${node}): commands.${cmd}`, timeoutMs: this.cfg.timeoutMs, signal });
    if (r.exitCode !== 0) throw new FaultlineError('node-command', `runner (for ${node}): commands.${cmd} exited ${r.exitCode}: ${lastLine(r.stderr)}`);
    return r;
  }

  /** One docker call; non-zero exit is an error naming the node and its container. */
  private async docker(n: KindNode, args: string[], signal: AbortSignal, what?: string): Promise<CommandResult> {
    const label = what ?? `docker ${args[0]}${args[0] === 'network' ? ` ${args[1]}` : ''}`;
    const r = await runCommand({ file: this.cfg.docker, args, what: `${this.where(n)}: ${label}`, timeoutMs: this.cfg.timeoutMs, signal });
    if (r.exitCode === 0) return r;
    const err = lastLine(r.stderr);
    throw new FaultlineError('node-command', `${this.where(n)}: ${label} exited ${r.exitCode}${err ? `: ${err}` : ''}`, {
      hint: /no such (container|object)/i.test(err)
        ? `is the kind cluster "${this.cfg.cluster}" up? (kind get clusters; docker ps) or set hosts.${n.name}.container`
        : undefined,
    });
  }

  private where(n: KindNode): string {
    return `kind node ${n.name} (container ${n.container})`;
  }
}
