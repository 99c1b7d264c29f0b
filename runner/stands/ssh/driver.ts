/**
 * Node driver for real stands: every operation is a command template from the stand
 * file, run on the host over OpenSSH (or on the runner when prefixed `local:`, e.g.
 * ipmitool against the BMC: a powered-off host cannot power itself on).
 */
import type { NodeDriver, NodeGroups, PeerConnect, ServiceProcess } from '../../core/contracts.js';
import { FaultlineError, UnsupportedError, messageOf } from '../../core/errors.js';
import { DeadlineError, pollUntil } from '../../core/abort.js';
import { formatDuration } from '../../core/units.js';
import { runCommand, type CommandResult } from '../command/run.js';
import { lastLine } from '../../core/child.js';
import { isLocal, render, shellQuote, type Vars } from '../command/template.js';
import { fillerBytes, fillerPath, parseExisting, usageScript } from '../command/disk.js';
import { parseDriveSpace, parseServiceProcesses } from '../command/service.js';
import type { SshCommand, SshConfig, SshHost } from './config.js';

/** ssh's own failures (connect, auth, lost connection) exit 255. */
const SSH_FAILED = 255;
/** timeout(1) exits 124 when the command ran out of time */
const TIMEOUT_EXIT = 124;

export class SshNodeDriver implements NodeDriver {
  readonly kind = 'ssh';
  constructor(private readonly cfg: SshConfig) {}

  list(): string[] {
    return [...this.cfg.hosts.keys()];
  }

  has(cmd: SshCommand): boolean {
    return this.cfg.commands[cmd] !== undefined;
  }

  async powerOff(node: string, signal: AbortSignal): Promise<void> {
    await this.ok(node, 'powerOff', {}, signal, 'powerOn');
  }

  async powerOn(node: string, signal: AbortSignal): Promise<void> {
    await this.ok(node, 'powerOn', {}, signal);
  }

  async kill(node: string, signal: AbortSignal): Promise<void> {
    await this.ok(node, 'kill', {}, signal, 'start');
  }

  async stop(node: string, signal: AbortSignal): Promise<void> {
    await this.ok(node, 'stop', {}, signal, 'start');
  }

  async start(node: string, signal: AbortSignal): Promise<void> {
    await this.ok(node, 'start', {}, signal);
  }

  async pause(node: string, signal: AbortSignal): Promise<void> {
    await this.ok(node, 'pause', {}, signal, 'resume');
  }

  async resume(node: string, signal: AbortSignal): Promise<void> {
    await this.ok(node, 'resume', {}, signal);
  }

  async partition(groups: NodeGroups, signal: AbortSignal): Promise<void> {
    await this.onEachGrouped(groups, 'partition', signal);
  }

  async heal(groups: NodeGroups, signal: AbortSignal): Promise<void> {
    await this.onEachGrouped(groups, 'heal', signal);
  }

  async fillDisk(node: string, drive: number, fraction: number, signal: AbortSignal): Promise<{ file: string; bytes: number }> {
    if (!(fraction >= 0 && fraction <= 1)) throw new FaultlineError('invalid-fill', `fill fraction must be 0..1, got ${fraction}`);
    const h = this.host(node);
    const path = this.drive(node, drive);
    const file = fillerPath(path);
    const usage = await this.ssh(h, usageScript(path, file), `df of ${path}`, signal);
    const bytes = fillerBytes(usage.stdout, fraction);
    const existing = parseExisting(usage.stdout);
    if (existing > 0 && existing !== bytes) await this.ok(node, 'clearFill', { drive: path, file }, signal);
    if (bytes > 0 && existing !== bytes) await this.ok(node, 'fillDisk', { drive: path, file, bytes, fraction }, signal, 'clearFill');
    return { file, bytes };
  }

  fillPath(node: string, drive: number): string {
    return fillerPath(this.drive(node, drive));
  }

  private drive(node: string, drive: number): string {
    const h = this.host(node);
    if (!h.drives.length) throw new UnsupportedError('disk fill', this.cfg.standName, `host ${node} lists no drives (hosts.${node}.drives)`);
    const path = h.drives[drive];
    if (path === undefined) throw new FaultlineError('invalid-fill', `host ${node} has no drive ${drive} (drives: ${h.drives.join(', ')})`);
    return path;
  }

  async clearFill(node: string, file: string, signal: AbortSignal): Promise<void> {
    await this.ok(node, 'clearFill', { drive: file.replace(/\/[^/]*$/, ''), file }, signal);
  }

  /** The kernel the host boots next, as the bootKernel template prints it (a /boot/vmlinuz- prefix is dropped). */
  async bootKernel(node: string, signal: AbortSignal): Promise<string> {
    const out = lastLine((await this.ok(node, 'bootKernel', {}, signal)).stdout);
    const kernel = out.replace(/^\/boot\//, '').replace(/^vmlinuz-/, '');
    if (!kernel) throw new FaultlineError('node-command', `host ${node}: commands.bootKernel printed nothing`);
    return kernel;
  }

  /** modinfo's exit status: 0 present, 1 absent; anything else is an error, not a "no". */
  async hasModule(node: string, kernel: string, module: string, signal: AbortSignal): Promise<boolean> {
    const r = await this.run(node, 'hasModule', { kernel, module }, signal);
    if (r.exitCode === 0) return true;
    if (r.exitCode === 1) return false;
    throw this.failed(node, 'hasModule', r);
  }

  /**
   * Sets the default kernel and reboots into it; returns once the host answers
   * again with a new boot id and runs that kernel. Refuses, before touching
   * anything, a kernel lacking one of the host's `modules`. Idempotent.
   */
  async setBootKernel(node: string, kernel: string, signal: AbortSignal): Promise<void> {
    this.need('setBootKernel', 'bootKernel');
    const h = this.host(node);
    for (const module of h.modules) {
      if (!(await this.hasModule(node, kernel, module, signal))) {
        throw new FaultlineError('kernel-module-missing', `host ${node}: refusing to boot ${kernel}: module ${module} is not installed for it`, {
          hint: `modinfo -k ${kernel} ${module} found nothing; install the module package for that kernel first, or pick a kernel that has it`,
        });
      }
    }
    if ((await this.bootKernel(node, signal)) === kernel && (await this.runningKernel(node, signal)) === kernel) return;
    const before = lastLine((await this.ok(node, 'bootId', {}, signal)).stdout);
    await this.ok(node, 'setBootKernel', { kernel }, signal);
    // The connection may drop mid-command; the boot id below is the proof of a reboot.
    const rebootError = await this.ok(node, 'reboot', {}, signal).then(() => undefined, (e: unknown) => e);
    if (signal.aborted) throw rebootError ?? signal.reason;
    let lastErr = rebootError === undefined ? 'none' : messageOf(rebootError);
    const phase = `host ${node}: reboot into ${kernel}`;
    try {
      await pollUntil(phase, this.cfg.rebootTimeoutMs, signal, async (s) => {
        try {
          const r = await this.run(node, 'bootId', {}, s, Math.min(this.cfg.commandTimeoutMs, this.cfg.connectTimeoutMs + 5000));
          if (r.exitCode === 0 && lastLine(r.stdout) && lastLine(r.stdout) !== before) return true;
          lastErr = r.exitCode === 0 ? 'same boot id (not rebooted yet)' : lastLine(r.stderr) || `exit ${r.exitCode}`;
        } catch (e) {
          if (signal.aborted) throw e;
          if (!s.aborted) lastErr = messageOf(e); // keep the last real answer, not the cut-off
        }
        return undefined;
      }, 2000);
    } catch (e) {
      if (e instanceof DeadlineError) {
        throw new FaultlineError('node-timeout', `${phase}: not back within ${formatDuration(this.cfg.rebootTimeoutMs)} (last: ${lastErr})`, {
          hint: 'check the console/BMC; the boot loader may be waiting, or the kernel failed to boot',
        });
      }
      throw e;
    }
    const running = await this.runningKernel(node, signal);
    if (running !== kernel) {
      throw new FaultlineError('boot-kernel-mismatch', `host ${node} came back running ${running}, not ${kernel}`, {
        hint: 'the boot loader fell back or ignored the new default; check bootKernel and the console',
      });
    }
  }

  async runningKernel(node: string, signal: AbortSignal): Promise<string> {
    return lastLine((await this.ok(node, 'runningKernel', {}, signal)).stdout);
  }

  /** The storage processes as commands.serviceProcesses prints them ("PID STAT [START]", one a line). */
  async serviceProcesses(node: string, signal: AbortSignal): Promise<ServiceProcess[]> {
    return parseServiceProcesses((await this.ok(node, 'serviceProcesses', {}, signal)).stdout);
  }

  /** commands.peerConnect run on `from` towards `to`'s hosts.<to>.servicePort. */
  async peerConnect(from: string, to: string, timeoutMs: number, signal: AbortSignal): Promise<PeerConnect> {
    const target = this.host(to);
    if (target.servicePort === undefined) throw new UnsupportedError('peer connect', this.cfg.standName, `host ${to} has no hosts.${to}.servicePort`);
    const t0 = Date.now();
    const r = await this.run(from, 'peerConnect', { target: target.address, port: target.servicePort, seconds: (timeoutMs / 1000).toFixed(3) }, signal, timeoutMs + this.cfg.connectTimeoutMs + 5_000);
    const ms = Date.now() - t0;
    if (r.exitCode === 0) return { result: 'open', ms };
    if (/refused/i.test(r.stderr)) return { result: 'refused', ms };
    if (r.exitCode === TIMEOUT_EXIT) return { result: 'timeout', ms };
    throw this.failed(from, 'peerConnect', r);
  }

  async driveSpace(node: string, drive: number, signal: AbortSignal): Promise<{ size: number; free: number }> {
    const path = this.drive(node, drive);
    return parseDriveSpace((await this.ssh(this.host(node), `df -P -k ${shellQuote(path)}`, `df of ${path}`, signal)).stdout);
  }

  /** partition/heal on every grouped node at once; peers are the nodes of the other groups. */
  private async onEachGrouped(groups: NodeGroups, cmd: 'partition' | 'heal', signal: AbortSignal): Promise<void> {
    this.need('partition', 'heal');
    const jobs = groups.flatMap((group, gi) =>
      group.map((node) => {
        const peers = groups.flatMap((g, i) => (i === gi ? [] : g)).map((p) => this.host(p).address);
        return { node, run: () => (peers.length ? this.ok(node, cmd, { peers: peers.join(',') }, signal) : undefined) };
      }),
    );
    const results = await Promise.allSettled(jobs.map((j) => j.run()));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${jobs[i]!.node}: ${messageOf(r.reason)}`] : []));
    if (failed.length) throw new FaultlineError('node-command', `${cmd} failed on ${failed.length} of ${jobs.length} hosts:\n  ${failed.join('\n  ')}`);
  }

  private host(node: string): SshHost {
    const h = this.cfg.hosts.get(node);
    if (!h) throw new FaultlineError('unknown-node', `stand ${this.cfg.standName} has no host ${node} (hosts: ${this.list().join(', ')})`);
    return h;
  }

  /** Refuses an operation whose template, or whose undo's template, is missing. */
  private need(...cmds: SshCommand[]): void {
    for (const c of cmds) {
      if (!this.has(c)) throw new UnsupportedError(`node ${cmds[0]}`, this.cfg.standName, `the stand file has no commands.${c} template`);
    }
  }

  /** Runs a template and insists on exit 0; `undo` must be templated too, or nothing runs. */
  private async ok(node: string, cmd: SshCommand, vars: Vars, signal: AbortSignal, undo?: SshCommand): Promise<CommandResult> {
    this.need(cmd, ...(undo ? [undo] : []));
    const r = await this.run(node, cmd, vars, signal);
    if (r.exitCode !== 0) throw this.failed(node, cmd, r);
    return r;
  }

  private failed(node: string, cmd: SshCommand, r: CommandResult): FaultlineError {
    const h = this.host(node);
    if (r.exitCode === SSH_FAILED && !isLocal(this.cfg.commands[cmd]!)) {
      return new FaultlineError('node-unreachable', `${this.where(h)}: commands.${cmd}: ssh failed: ${lastLine(r.stderr) || 'exit 255'}`, {
        hint: 'check address, user, key and host key (ssh -o BatchMode=yes by hand)',
      });
    }
    return new FaultlineError('node-command', `${this.where(h)}: commands.${cmd} exited ${r.exitCode}${lastLine(r.stderr) ? `: ${lastLine(r.stderr)}` : ''}`);
  }

  private async run(node: string, cmd: SshCommand, vars: Vars, signal: AbortSignal, timeoutMs?: number): Promise<CommandResult> {
    this.need(cmd);
    const h = this.host(node);
    let rendered;
    try {
      rendered = render(this.cfg.commands[cmd]!, { ...h.vars, ...vars });
    } catch (e) {
      throw new FaultlineError('stand-template', `host ${node}: commands.${cmd}: ${messageOf(e)}`);
    }
    if (rendered.local) {
      return runCommand({
        file: 'sh',
        args: ['-c', rendered.command],
        what: `runner (for host ${node}): commands.${cmd}`,
        timeoutMs: timeoutMs ?? this.cfg.commandTimeoutMs,
        signal,
      });
    }
    return this.ssh(h, rendered.command, `commands.${cmd}`, signal, timeoutMs);
  }

  private async ssh(h: SshHost, command: string, what: string, signal: AbortSignal, timeoutMs?: number): Promise<CommandResult> {
    return runCommand({
      file: 'ssh',
      args: this.sshArgs(h, command),
      what: `${this.where(h)}: ${what}`,
      timeoutMs: timeoutMs ?? this.cfg.commandTimeoutMs,
      signal,
    });
  }

  /** The stand file's options come before faultline's defaults: for ssh the first value wins. */
  sshArgs(h: SshHost, command: string): string[] {
    const o = (opt: string) => ['-o', opt];
    const remote = this.cfg.sudo ? `sudo -n sh -c ${shellQuote(command)}` : command;
    return [
      '-n',
      '-T',
      ...o('BatchMode=yes'),
      ...o(`ConnectTimeout=${Math.max(1, Math.ceil(this.cfg.connectTimeoutMs / 1000))}`),
      ...this.cfg.options.flatMap(o),
      ...o('StrictHostKeyChecking=yes'),
      ...o('ServerAliveInterval=5'),
      ...o('ServerAliveCountMax=3'),
      ...(h.identityFile ? ['-i', h.identityFile, ...o('IdentitiesOnly=yes')] : []),
      ...(h.port ? ['-p', String(h.port)] : []),
      ...(h.user ? ['-l', h.user] : []),
      '--',
      h.address,
      remote,
    ];
  }

  private where(h: SshHost): string {
    return `host ${h.name} (${h.user ? `${h.user}@` : ''}${h.address}${h.port ? `:${h.port}` : ''})`;
  }
}
