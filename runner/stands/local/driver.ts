/** NodeDriver of the local stand. Every method is idempotent and bounded. */
import type { NodeDriver, NodeGroups, PeerConnect, ServiceProcess } from '../../core/contracts.js';
import { pollUntil } from '../../core/abort.js';
import { FaultlineError, UnsupportedError, ExitCode } from '../../core/errors.js';
import { fill, fillPath, clearFill as removeFill, space } from './drives.js';
import { boot, defaultKernel, hasModule, isInstalled, runningKernel, setDefaultKernel, storageRefusal } from './kernel.js';
import type { NodeLayout } from './layout.js';
import { blockPeers, connectFrom, dropAll, isDropping, liftDrop, unblockPeers } from './network.js';
import { pidsInNetns, procState, serviceProcesses, signalAll, terminate, waitGone } from '../../core/proc.js';
import { serverFor, servicePids, startService } from './service.js';
import { type Credentials, type StandState } from './state.js';
import { nodeOperation } from '../../core/lock.js';
import { noteInLog } from '../../core/files.js';

export const LOOPBACK_NETWORK_REASON =
  'loopback-only mode: the nodes share the host network namespace, so power-off and partitions cannot be emulated';
export const LOOPBACK_DISK_REASON =
  'loopback-only mode: drives are plain directories on the host filesystem, so filling one would fill the host disk';

const KILL_WAIT_MS = 10_000;
const STOP_WAIT_MS = 30_000;

export class LocalNodeDriver implements NodeDriver {
  readonly kind = 'local';

  constructor(
    private readonly state: StandState,
    private readonly creds: Credentials,
  ) {}

  /** the storage server's name, for messages */
  private get server(): string {
    return serverFor(this.state).title;
  }

  list(): string[] {
    return Object.keys(this.state.nodes);
  }

  /** Addresses, drives and log of every node (for status and tests). */
  layouts(): NodeLayout[] {
    return Object.values(this.state.nodes).map((r) => r.layout);
  }

  layout(name: string): NodeLayout {
    return this.node(name);
  }

  /** Live storage server pids of a node. */
  servicePids(name: string): Promise<number[]> {
    return servicePids(this.state, this.node(name));
  }

  private node(name: string): NodeLayout {
    const rec = this.state.nodes[name];
    if (!rec) {
      throw new FaultlineError('unknown-node', `no node "${name}" on the ${this.state.name ?? 'local'} stand`, { exitCode: ExitCode.invalidInput, hint: `nodes: ${this.list().join(', ')}` });
    }
    return rec.layout;
  }

  private netnsOf(name: string, what: string): string {
    const n = this.node(name);
    if (!n.netns) throw new UnsupportedError(what, 'local', LOOPBACK_NETWORK_REASON);
    return n.netns;
  }

  private note(n: NodeLayout, line: string): Promise<void> {
    return noteInLog(n.log, line);
  }

  private locked<T>(name: string, signal: AbortSignal, fn: (n: NodeLayout) => Promise<T>): Promise<T> {
    const n = this.node(name);
    return nodeOperation(n.dir, name, signal, 120_000, () => fn(n));
  }

  /** Powered off = the drop-all table is in place. Loopback nodes are always on. */
  async isPoweredOff(name: string, signal: AbortSignal): Promise<boolean> {
    const n = this.node(name);
    return n.netns ? isDropping(n.netns, signal) : false;
  }

  async kill(name: string, signal: AbortSignal): Promise<void> {
    return this.locked(name, signal, (n) => this.killService(n, signal));
  }

  private async killService(n: NodeLayout, signal: AbortSignal): Promise<void> {
    const name = n.name;
    // Look again after each round: a start racing with us must not survive the kill.
    await pollUntil(`${name}: ${this.server} to die after SIGKILL`, KILL_WAIT_MS, signal, async (s) => {
      const pids = await servicePids(this.state, n);
      if (!pids.length) return true;
      signalAll(pids, 'SIGKILL');
      await waitGone(pids, KILL_WAIT_MS, s).catch(() => {});
      return undefined;
    }, 50);
  }

  async stop(name: string, signal: AbortSignal): Promise<void> {
    return this.locked(name, signal, (n) => this.stopService(n, signal));
  }

  private async stopService(n: NodeLayout, signal: AbortSignal): Promise<void> {
    await terminate(await servicePids(this.state, n), `${n.name}: ${this.server}`, {
      graceMs: STOP_WAIT_MS,
      killMs: KILL_WAIT_MS,
      signal,
      onEscalate: () => this.note(n, `${this.server} did not stop within ${STOP_WAIT_MS / 1000} s of SIGTERM; sent SIGKILL`),
    });
  }

  /** Starts the storage service, as its unit would: not on a powered-off node, not without its module. */
  async start(name: string, signal: AbortSignal): Promise<void> {
    return this.locked(name, signal, (n) => this.startUnit(n, signal));
  }

  private async startUnit(n: NodeLayout, signal: AbortSignal): Promise<void> {
    if (await this.isPoweredOff(n.name, signal)) {
      await this.note(n, `start of ${this.server} skipped: the node is powered off (it starts when the node boots)`);
      return;
    }
    if (await storageRefusal(n.dir, n.log)) return;
    await startService(this.state, n, this.creds, signal);
  }

  async pause(name: string, signal: AbortSignal): Promise<void> {
    return this.locked(name, signal, (n) => this.pauseService(n, signal));
  }

  private async pauseService(n: NodeLayout, signal: AbortSignal): Promise<void> {
    const name = n.name;
    const pids = await servicePids(this.state, n);
    signalAll(pids, 'SIGSTOP');
    await pollUntil(`${name}: ${this.server} to stop running after SIGSTOP`, 5000, signal, async () => {
      for (const pid of pids) if (!['T', 't', undefined, 'Z'].includes(await procState(pid))) return undefined;
      return true;
    }, 50);
  }

  async resume(name: string, signal: AbortSignal): Promise<void> {
    return this.locked(name, signal, async (n) => signalAll(await servicePids(this.state, n), 'SIGCONT'));
  }

  /** Silence first, then kill: peers must never see a FIN or RST from the dying processes. */
  async powerOff(name: string, signal: AbortSignal): Promise<void> {
    const ns = this.netnsOf(name, 'node.powerOff');
    return this.locked(name, signal, () => this.cutPower(name, ns, signal));
  }

  private async cutPower(name: string, ns: string, signal: AbortSignal): Promise<void> {
    await dropAll(ns, signal);
    await pollUntil(`${name}: every process in ${ns} to die`, KILL_WAIT_MS, signal, async (s) => {
      const pids = await pidsInNetns(ns);
      if (!pids.length) return true;
      signalAll(pids, 'SIGKILL');
      await waitGone(pids, KILL_WAIT_MS, s).catch(() => {});
      return undefined;
    }, 50);
  }

  /** Lifts the drop, then boots: the init checks the kernel's modules and starts MinIO. */
  async powerOn(name: string, signal: AbortSignal): Promise<void> {
    const ns = this.netnsOf(name, 'node.powerOn');
    return this.locked(name, signal, (n) => this.restorePower(n, ns, signal));
  }

  private async restorePower(n: NodeLayout, ns: string, signal: AbortSignal): Promise<void> {
    await liftDrop(ns, signal);
    await this.bootIfDown(n, signal);
  }

  private async bootIfDown(n: NodeLayout, signal: AbortSignal): Promise<void> {
    if ((await servicePids(this.state, n)).length) return;
    const { refused } = await boot(n.dir, n.log);
    if (!refused) await startService(this.state, n, this.creds, signal);
  }

  private async reboot(n: NodeLayout, signal: AbortSignal): Promise<void> {
    if (n.netns) {
      await this.cutPower(n.name, n.netns, signal);
      await this.restorePower(n, n.netns, signal);
    } else {
      await this.killService(n, signal);
      await this.bootIfDown(n, signal);
    }
  }

  private addressesOf(group: string[]): string[] {
    return group.map((g) => this.node(g).address);
  }

  private async eachCrossing(groups: NodeGroups, what: string, fn: (ns: string, peers: string[]) => Promise<void>): Promise<void> {
    const seen = new Set<string>();
    for (const g of groups) {
      for (const name of g) {
        if (seen.has(name)) throw new FaultlineError('partition-groups', `${what}: node ${name} is in more than one group`, { exitCode: ExitCode.invalidInput });
        seen.add(name);
      }
    }
    for (const [i, g] of groups.entries()) {
      const others = this.addressesOf(groups.filter((_, j) => j !== i).flat());
      for (const name of g) await fn(this.netnsOf(name, what), others);
    }
  }

  async partition(groups: NodeGroups, signal: AbortSignal): Promise<void> {
    await this.eachCrossing(groups, 'node.partition', (ns, peers) => blockPeers(ns, peers, signal));
  }

  async heal(groups: NodeGroups, signal: AbortSignal): Promise<void> {
    await this.eachCrossing(groups, 'node.partition', (ns, peers) => unblockPeers(ns, peers, signal));
  }

  private drivePath(name: string, drive: number): string {
    const n = this.node(name);
    if (!n.netns) throw new UnsupportedError('disk.fill', 'local', LOOPBACK_DISK_REASON);
    const path = n.drives[drive];
    if (path === undefined) {
      throw new FaultlineError('unknown-drive', `${name} has no drive ${drive} (0..${n.drives.length - 1})`, { exitCode: ExitCode.invalidInput });
    }
    return path;
  }

  fillPath(name: string, drive: number): string {
    return fillPath(this.drivePath(name, drive));
  }

  async fillDisk(name: string, drive: number, fraction: number, signal: AbortSignal): Promise<{ file: string; bytes: number }> {
    return fill(this.drivePath(name, drive), fraction, signal);
  }

  async clearFill(name: string, file: string, _signal: AbortSignal): Promise<void> {
    const ours = this.node(name).drives.map((_, d) => this.fillPath(name, d));
    if (!ours.includes(file)) throw new FaultlineError('fill-file', `${file} is not a filler file of ${name}; not removing it`);
    await removeFill(file);
  }

  async bootKernel(name: string, _signal: AbortSignal): Promise<string> {
    return defaultKernel(this.node(name).dir);
  }

  /** Makes `kernel` the default and reboots into it, unless the node already runs it. */
  async setBootKernel(name: string, kernel: string, signal: AbortSignal): Promise<void> {
    return this.locked(name, signal, (n) => this.bootInto(n, kernel, signal));
  }

  private async bootInto(n: NodeLayout, kernel: string, signal: AbortSignal): Promise<void> {
    const name = n.name;
    if (!(await isInstalled(n.dir, kernel))) {
      throw new FaultlineError('kernel-not-installed', `${name}: kernel ${kernel} is not installed (no /boot/vmlinuz-${kernel})`, { exitCode: ExitCode.invalidInput });
    }
    const running = await runningKernel(n.dir);
    if ((await defaultKernel(n.dir)) === kernel && running === kernel && !(await this.isPoweredOff(name, signal))) return;
    await setDefaultKernel(n.dir, kernel);
    await this.note(n, `default kernel set to ${kernel}; rebooting`);
    await this.reboot(n, signal);
  }

  async hasModule(name: string, kernel: string, module: string, _signal: AbortSignal): Promise<boolean> {
    return hasModule(this.node(name).dir, kernel, module);
  }

  /** A TCP connect from inside `from`'s namespace to `to`'s MinIO port, as a peer dials it. */
  async peerConnect(from: string, to: string, timeoutMs: number, signal: AbortSignal): Promise<PeerConnect> {
    const target = this.node(to);
    return connectFrom(this.netnsOf(from, 'peerConnect'), target.address, target.port, timeoutMs, signal);
  }

  async serviceProcesses(name: string, _signal: AbortSignal): Promise<ServiceProcess[]> {
    return serviceProcesses(await servicePids(this.state, this.node(name)));
  }

  async driveSpace(name: string, drive: number, _signal: AbortSignal): Promise<{ size: number; free: number }> {
    return space(this.drivePath(name, drive));
  }

  /** What the node booted last, unless it has no power now. */
  async runningKernel(name: string, signal: AbortSignal): Promise<string | undefined> {
    if (await this.isPoweredOff(name, signal)) return undefined;
    return runningKernel(this.node(name).dir);
  }
}
