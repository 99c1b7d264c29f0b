/**
 * NodeDriver of the cluster stand: faults land on real kubelets, runtimes and
 * containers. Power-off silences the node's namespace first (nft drop-all, like the
 * local stand), then SIGKILLs its kubelet, containerd, shims and every container
 * process: peers and the API server see silence, and the node turns NotReady after
 * the controller-manager's grace period. kill/stop/pause act on the MinIO container's
 * processes; the kubelet restarts a killed or stopped container as it would anywhere.
 * Every method is idempotent and bounded.
 */
import type { NodeDriver, NodeGroups, PeerConnect, ServiceProcess } from '../../core/contracts.js';
import { pollUntil } from '../../core/abort.js';
import { ExitCode, FaultlineError } from '../../core/errors.js';
import { fill, fillPath, clearFill as removeFill, space } from '../local/drives.js';
import { defaultKernel, hasModule, isInstalled, runningKernel, setDefaultKernel, STORAGE_MODULE } from '../local/kernel.js';
import { blockPeers, connectFrom, dropAll, isDropping, liftDrop, unblockPeers } from '../local/network.js';
import { procState, serviceProcesses, signalAll, terminate, waitGone } from '../../core/proc.js';
import { nodeOperation } from '../../core/lock.js';
import { noteInLog } from '../../core/files.js';
import { bootNode } from './boot.js';
import { exportPool } from './pool.js';
import { S3_PORT, type ClusterLayout, type ClusterNode } from './layout.js';
import { clearVolatile, daemonPids, killNode, storagePids, type NodeDaemons } from './node.js';

const KILL_WAIT_MS = 10_000;
const STOP_WAIT_MS = 30_000;
/** Bound of `start` waiting for the kubelet to run the storage container again. */
const RESTART_WAIT_MS = 120_000;

export class ClusterNodeDriver implements NodeDriver {
  readonly kind = 'cluster';

  constructor(
    private readonly l: ClusterLayout,
    private readonly kubeletBin: string,
  ) {}

  list(): string[] {
    return this.l.nodes.map((n) => n.name);
  }

  node(name: string): ClusterNode {
    const n = this.l.nodes.find((x) => x.name === name);
    if (!n) throw new FaultlineError('unknown-node', `no node "${name}" on the cluster stand`, { exitCode: ExitCode.invalidInput, hint: `nodes: ${this.list().join(', ')}` });
    return n;
  }

  /** Live MinIO pids of a node. */
  storagePids(name: string): Promise<number[]> {
    return storagePids(this.node(name));
  }

  daemons(name: string): Promise<NodeDaemons> {
    return daemonPids(this.node(name));
  }

  isPoweredOff(name: string, signal: AbortSignal): Promise<boolean> {
    return isDropping(this.node(name).netns, signal);
  }

  private note(n: ClusterNode, line: string): Promise<void> {
    return noteInLog(n.log, line);
  }

  private locked<T>(name: string, signal: AbortSignal, fn: (n: ClusterNode) => Promise<T>): Promise<T> {
    const n = this.node(name);
    return nodeOperation(n.dir, name, signal, 180_000, () => fn(n));
  }

  async powerOff(name: string, signal: AbortSignal): Promise<void> {
    return this.locked(name, signal, (n) => this.cutPower(n, signal));
  }

  private async cutPower(n: ClusterNode, signal: AbortSignal): Promise<void> {
    await dropAll(n.netns, signal);
    const killed = await killNode(n, signal);
    await clearVolatile(n, signal);
    await exportPool(n, signal);
    if (killed) await this.note(n, `power cut: ${killed} process(es) killed after the network went silent`);
  }

  /** Lifts the drop and boots: the runtime and the kubelet start; the pods come back as Kubernetes decides. */
  async powerOn(name: string, signal: AbortSignal): Promise<void> {
    return this.locked(name, signal, (n) => this.restorePower(n, signal));
  }

  private async restorePower(n: ClusterNode, signal: AbortSignal): Promise<void> {
    await liftDrop(n.netns, signal);
    await bootNode(n, this.l, this.kubeletBin, signal);
  }

  async kill(name: string, signal: AbortSignal): Promise<void> {
    return this.locked(name, signal, async (n) => {
      // only the processes seen now: the kubelet may already be starting a new one
      const pids = await storagePids(n);
      signalAll(pids, 'SIGKILL');
      await waitGone(pids, KILL_WAIT_MS, signal, `${name}: MinIO to die after SIGKILL`);
    });
  }

  async stop(name: string, signal: AbortSignal): Promise<void> {
    return this.locked(name, signal, async (n) =>
      terminate(await storagePids(n), `${name}: MinIO`, {
        graceMs: STOP_WAIT_MS,
        killMs: KILL_WAIT_MS,
        signal,
        onEscalate: () => this.note(n, `MinIO did not stop within ${STOP_WAIT_MS / 1000} s of SIGTERM; sent SIGKILL`),
      }),
    );
  }

  /**
   * Undo of kill and stop: the kubelet restarts the container by itself; this makes sure
   * the node's daemons run and waits until MinIO runs again. Not on a powered-off node
   * (it starts when the node boots) nor on a kernel without the storage module.
   */
  async start(name: string, signal: AbortSignal): Promise<void> {
    return this.locked(name, signal, async (n) => {
      if (await isDropping(n.netns, signal)) return this.note(n, 'start of MinIO skipped: the node is powered off (it starts when the node boots)');
      const kernel = (await runningKernel(n.dir)) ?? (await defaultKernel(n.dir));
      if (!(await hasModule(n.dir, kernel, STORAGE_MODULE))) return this.note(n, `start of MinIO skipped: the running kernel ${kernel} lacks ${STORAGE_MODULE}`);
      await bootNode(n, this.l, this.kubeletBin, signal);
      await pollUntil(`${name}: the kubelet to run MinIO again`, RESTART_WAIT_MS, signal, async () => ((await storagePids(n)).length ? true : undefined), 250);
    });
  }

  async pause(name: string, signal: AbortSignal): Promise<void> {
    return this.locked(name, signal, async (n) => {
      const pids = await storagePids(n);
      signalAll(pids, 'SIGSTOP');
      await pollUntil(`${name}: MinIO to stop running after SIGSTOP`, 5000, signal, async () => {
        for (const pid of pids) if (!['T', 't', undefined, 'Z'].includes(await procState(pid))) return undefined;
        return true;
      }, 50);
    });
  }

  async resume(name: string, signal: AbortSignal): Promise<void> {
    return this.locked(name, signal, async (n) => signalAll(await storagePids(n), 'SIGCONT'));
  }

  private async eachCrossing(groups: NodeGroups, fn: (ns: string, peers: string[]) => Promise<void>): Promise<void> {
    const seen = new Set<string>();
    for (const g of groups) {
      for (const name of g) {
        if (seen.has(name)) throw new FaultlineError('partition-groups', `node.partition: node ${name} is in more than one group`, { exitCode: ExitCode.invalidInput });
        seen.add(name);
      }
    }
    for (const [i, g] of groups.entries()) {
      const others = groups.filter((_, j) => j !== i).flat().map((o) => this.node(o).address);
      for (const name of g) await fn(this.node(name).netns, others);
    }
  }

  async partition(groups: NodeGroups, signal: AbortSignal): Promise<void> {
    await this.eachCrossing(groups, (ns, peers) => blockPeers(ns, peers, signal));
  }

  async heal(groups: NodeGroups, signal: AbortSignal): Promise<void> {
    await this.eachCrossing(groups, (ns, peers) => unblockPeers(ns, peers, signal));
  }

  private drivePath(name: string, drive: number): string {
    const n = this.node(name);
    const path = n.drives[drive];
    if (path === undefined) throw new FaultlineError('unknown-drive', `${name} has no drive ${drive} (0..${n.drives.length - 1})`, { exitCode: ExitCode.invalidInput });
    return path;
  }

  fillPath(name: string, drive: number): string {
    return fillPath(this.drivePath(name, drive));
  }

  fillDisk(name: string, drive: number, fraction: number, signal: AbortSignal): Promise<{ file: string; bytes: number }> {
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

  /** Makes `kernel` the default and reboots the node into it, unless it already runs it. */
  async setBootKernel(name: string, kernel: string, signal: AbortSignal): Promise<void> {
    return this.locked(name, signal, async (n) => {
      if (!(await isInstalled(n.dir, kernel))) {
        throw new FaultlineError('kernel-not-installed', `${name}: kernel ${kernel} is not installed (no /boot/vmlinuz-${kernel})`, { exitCode: ExitCode.invalidInput });
      }
      if ((await defaultKernel(n.dir)) === kernel && (await runningKernel(n.dir)) === kernel && !(await isDropping(n.netns, signal))) return;
      await setDefaultKernel(n.dir, kernel);
      await this.note(n, `default kernel set to ${kernel}; rebooting`);
      await this.cutPower(n, signal);
      await this.restorePower(n, signal);
    });
  }

  async hasModule(name: string, kernel: string, module: string, _signal: AbortSignal): Promise<boolean> {
    return hasModule(this.node(name).dir, kernel, module);
  }

  // Observations (fault effects): the same views as the local stand's, on this stand's namespaces.

  /** A TCP connect from inside node `from`'s namespace to node `to`'s S3 port, as a MinIO peer dials it. */
  peerConnect(from: string, to: string, timeoutMs: number, signal: AbortSignal): Promise<PeerConnect> {
    return connectFrom(this.node(from).netns, this.node(to).address, S3_PORT, timeoutMs, signal);
  }

  async serviceProcesses(name: string, _signal: AbortSignal): Promise<ServiceProcess[]> {
    return serviceProcesses(await storagePids(this.node(name)));
  }

  driveSpace(name: string, drive: number, _signal: AbortSignal): Promise<{ size: number; free: number }> {
    return space(this.drivePath(name, drive));
  }

  /** What the node booted last, unless it has no power now. */
  async runningKernel(name: string, signal: AbortSignal): Promise<string | undefined> {
    if (await isDropping(this.node(name).netns, signal)) return undefined;
    return runningKernel(this.node(name).dir);
  }
}
