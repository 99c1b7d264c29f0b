/**
 * The shapes every fault, probe, workload and stand driver plugs into.
 * The engine only speaks these; each implementation lives in its own file.
 */
import type { KubeConfig } from '@kubernetes/client-node';

/** What a stand can do. A scenario requiring one the stand lacks is skipped with the reason. */
export type Capability = 's3' | 'nodes' | 'network' | 'disk' | 'kernel' | 'kubernetes' | 'metrics';

/** An object in JSON Schema form (draft 2020-12 subset ajv understands). */
export type JsonSchema = Record<string, unknown>;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** One entry of a run's timeline. */
export interface TimelineEvent {
  type: string;
  /** epoch ms */
  at: number;
  [k: string]: unknown;
}

export interface S3Target {
  endpoint: string;
  region: string;
  /** absent: the AWS SDK default chain. Never printed. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface KubeTarget {
  kc: KubeConfig;
  /** the only context used */
  context: string;
  /** kubeconfig file, handed to action and cmd commands as KUBECONFIG */
  kubeconfigPath?: string;
}

/** Partition groups: traffic between nodes of different groups is dropped. */
export type NodeGroups = string[][];

/**
 * Operations on a stand's nodes. Every method is optional: a missing one means the
 * stand driver cannot do it, and the fault reports "unsupported on this stand".
 * Every method is idempotent, so a journal replay after a crash is safe.
 */
export interface NodeDriver {
  readonly kind: string;
  list(): string[];
  /** Cut power: the node vanishes without FIN/RST. */
  powerOff?(node: string, signal: AbortSignal): Promise<void>;
  powerOn?(node: string, signal: AbortSignal): Promise<void>;
  /** SIGKILL the storage service (the node itself stays up). */
  kill?(node: string, signal: AbortSignal): Promise<void>;
  /** Graceful stop of the storage service. */
  stop?(node: string, signal: AbortSignal): Promise<void>;
  /** Start the storage service again (undo of kill and stop). */
  start?(node: string, signal: AbortSignal): Promise<void>;
  pause?(node: string, signal: AbortSignal): Promise<void>;
  resume?(node: string, signal: AbortSignal): Promise<void>;
  partition?(groups: NodeGroups, signal: AbortSignal): Promise<void>;
  heal?(groups: NodeGroups, signal: AbortSignal): Promise<void>;
  /**
   * Fill one drive of a node (`drive`: 0-based index into its drives) up to `fraction` (0..1)
   * of its size, replacing an earlier filler on that drive; returns the filler file.
   */
  fillDisk?(node: string, drive: number, fraction: number, signal: AbortSignal): Promise<{ file: string; bytes: number }>;
  /** The filler file fillDisk would use, known before filling, so a revert after a crash can clear it. */
  fillPath?(node: string, drive: number): string;
  clearFill?(node: string, file: string, signal: AbortSignal): Promise<void>;
  /** The kernel the node boots next. */
  bootKernel?(node: string, signal: AbortSignal): Promise<string>;
  /** Make `kernel` the default and reboot into it. */
  setBootKernel?(node: string, kernel: string, signal: AbortSignal): Promise<void>;
  /** Whether `kernel` on `node` has `module` installed (modinfo -k). */
  hasModule?(node: string, kernel: string, module: string, signal: AbortSignal): Promise<boolean>;

  // Observations, for proving that a fault took effect (FaultDef.confirm). Each is read-only
  // and bounded by `signal`; a driver that lacks one makes that fault's effect unconfirmable
  // (the run is then `unknown`, never `pass`), so a new driver should implement what it can.

  /**
   * A TCP connect from node `from` (inside its network, as a peer would) to the storage
   * service port of node `to`: `open` (handshake done), `refused` (RST came back) or
   * `timeout` (no answer within `timeoutMs`: dropped, as after a power cut or a partition).
   */
  peerConnect?(from: string, to: string, timeoutMs: number, signal: AbortSignal): Promise<PeerConnect>;
  /** The node's storage service processes now; [] when none runs. */
  serviceProcesses?(node: string, signal: AbortSignal): Promise<ServiceProcess[]>;
  /** Size and free bytes (for unprivileged writers, statfs f_bavail) of one drive (0-based). */
  driveSpace?(node: string, drive: number, signal: AbortSignal): Promise<{ size: number; free: number }>;
  /** The kernel the node is running now (not the one it boots next); undefined when it is down. */
  runningKernel?(node: string, signal: AbortSignal): Promise<string | undefined>;
  /** Whether the node has no power, from outside it (e.g. its kubelet stopped heartbeating), in words. */
  powerState?(node: string, signal: AbortSignal): Promise<{ off: boolean; value: string }>;
}

/** One storage service process as a node shows it. */
export interface ServiceProcess {
  /** names this process and no later one on the node (pid plus start time where the driver can tell) */
  id: string;
  /** /proc state letter: R, S, D, T (stopped), Z, ... */
  state: string;
}

export interface PeerConnect {
  result: 'open' | 'refused' | 'timeout';
  ms: number;
}

export interface Stand {
  readonly name: string;
  /** local | kwok | kind | ssh | file */
  readonly driver: string;
  /** stand file this came from, or the embedded stand's name; recorded in the journal */
  readonly ref: string;
  readonly protected: boolean;
  readonly capabilities: ReadonlySet<Capability>;
  /** Why a capability is missing, when the stand knows (e.g. "loopback-only mode"). */
  readonly unsupported: ReadonlyMap<Capability, string>;
  readonly s3?: S3Target;
  readonly nodes?: NodeDriver;
  readonly kube?: KubeTarget;
  /** Prometheus HTTP API base URL or a raw /metrics URL of the stand, if any. */
  readonly metricsUrl?: string;
  /** Data root(s) per node, for probes that look at drives. */
  readonly drives?: Readonly<Record<string, string[]>>;
  /** Health endpoint of the storage service, if it has one. */
  readonly healthUrl?: string;
  /** What storage server the stand runs, when it knows. */
  readonly storage?: StorageInfo;
  close(): Promise<void>;
}

/** The storage server behind a stand's S3 endpoint, for probes that look past the S3 API. */
export interface StorageInfo {
  /** minio | seaweedfs | rustfs | ... */
  readonly server: string;
  /** the server's metadata folder at the root of each drive (.minio.sys, .rustfs.sys), if it keeps one */
  readonly systemFolder?: string;
  /** probe kinds that use the server's own admin API and work against it (e.g. minio.nodes) */
  readonly adminProbes: readonly string[];
}

/** What every fault, probe and workload gets. */
export interface Context {
  /** The run's signal, narrowed by the step's deadline. Pass it to every SDK call and child process. */
  signal: AbortSignal;
  stand: Stand;
  /** Adds an event to the run's timeline (also shown on the console). Never put secrets or bodies here. */
  emit(type: string, data?: Record<string, unknown>): void;
  workloads: WorkloadLookup;
  /** Seed for random choices (recorded in the result). */
  seed: number;
  runId: string;
  /** folder of the scenario file, for commands that ship beside it (FAULTLINE_SCENARIO_DIR) */
  scenarioDir?: string;
  /** the scenario's params in effect, for commands (FAULTLINE_PARAM_<NAME>) */
  params?: Readonly<Record<string, JsonValue>>;
  /** a folder of this run's own, for files its commands make (FAULTLINE_RUN_DIR); created before the first step */
  runDir?: string;
}

export interface WorkloadLookup {
  get(name: string): WorkloadHandle | undefined;
}

/** A probe's answer: whether the expectation holds, and the measured value in words. */
export interface Observation {
  ok: boolean;
  /** e.g. "4 keys readable, 4 JSON bodies" or "HTTP 503 in 12 ms" */
  value: string;
  data?: Record<string, JsonValue>;
}

export interface ProbeDef<S = any> {
  kind: string;
  summary: string;
  schema: JsonSchema;
  requires: Capability[];
  describe(spec: S): string;
  /**
   * One observation. Failures of the system under test are `ok: false`; throw only
   * when the probe cannot be evaluated at all (verdict `unknown`).
   */
  evaluate(spec: S, ctx: Context): Promise<Observation>;
  /**
   * Optional event-driven wait (watches): resolves with the first passing
   * observation and the epoch ms at which the transition happened. Aborts with ctx.signal.
   */
  waitUntil?(spec: S, ctx: Context): Promise<Observation & { at: number }>;
}

/** A Kubernetes object, by name. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** Everything needed to undo a fault, JSON-serialisable: it is journaled before inject. */
export type UndoData = Record<string, JsonValue>;

/**
 * What a fault touches, judged from its spec alone, for a stand's blast-radius limits
 * (`spec.limits` of a stand file). '*' names a node the fault picks at run time.
 */
export interface Footprint {
  /** nodes out of service while the fault is injected (power-off, kill, drain, ...) */
  nodesDown?: string[];
  /** nodes changed but still serving (cordon, disk fill) */
  nodes?: string[];
  namespaces?: string[];
  /** pods removed at once: all of them, a count, a share (0..1), or a scale to `replicas` */
  pods?: {
    namespace: string;
    selector?: string | Record<string, string>;
    workload?: { kind: string; name: string };
    all?: boolean;
    count?: number;
    share?: number;
    replicas?: number;
  };
}

export interface FaultDef<S = any, U extends UndoData = UndoData> {
  kind: string;
  summary: string;
  schema: JsonSchema;
  requires: Capability[];
  describe(spec: S): string;
  /** What it touches; a fault without one is refused on a stand with limits. */
  footprint?(spec: S): Footprint;
  /** Work out the undo without side effects (may run preflight checks and refuse). */
  prepare(spec: S, ctx: Context): Promise<U>;
  /** Do it. Returns details for the record (e.g. which pods were chosen). */
  inject(spec: S, undo: U, ctx: Context): Promise<Record<string, JsonValue> | void>;
  /** Undo it; idempotent, also run by `faultline recover` in a fresh process. */
  revert(undo: U, ctx: Context): Promise<void>;
  /**
   * One look at whether the fault took effect (the node really is silent, the pod really
   * has a new UID). The engine calls it right after inject, again and again until `ok` or
   * its bound (confirmTimeoutMs); a fault never confirmed makes the run `unknown`. Throw
   * when the effect cannot be observed at all (e.g. the driver cannot look).
   * `injected` is what inject returned.
   */
  confirm?(spec: S, undo: U, injected: Record<string, JsonValue>, ctx: Context): Promise<Observation>;
  /**
   * Kubernetes objects the fault changes and its revert restores. While the fault is active
   * each carries an undo note (runner/kube/undo-notes.ts), so `faultline recover --stand`
   * can heal the cluster without the journal.
   */
  touches?(undo: U): ObjectRef[];
}

export type WorkloadState = 'running' | 'completed' | 'failed';

export interface WorkloadOutcome {
  state: 'completed' | 'failed';
  durationMs: number;
  error?: string;
  data?: Record<string, JsonValue>;
}

export interface WorkloadHandle {
  readonly name: string;
  readonly kind: string;
  /** 0..1 */
  progress(): number;
  state(): WorkloadState;
  /** Called on every progress change. */
  onProgress(listener: (fraction: number) => void): void;
  /** Resolves (never rejects) when the workload ends. */
  readonly settled: Promise<WorkloadOutcome>;
  /** Read back and check what the workload wrote (ledger). */
  verify?(signal: AbortSignal): Promise<Observation>;
  /** Abort and wait for it to end. */
  stop(): Promise<void>;
  summary(): Record<string, JsonValue>;
}

export interface WorkloadDef<S = any> {
  kind: string;
  summary: string;
  schema: JsonSchema;
  requires: Capability[];
  describe(spec: S): string;
  start(name: string, spec: S, ctx: Context): WorkloadHandle;
}
