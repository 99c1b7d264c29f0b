/**
 * The shapes stands and node drivers plug into, like faults and probes do: each kind
 * declares its name, a summary and its options as a JSON Schema (the `stand up` flags
 * and the stand file schema are generated from them), then does its work.
 */
import type { Capability, JsonSchema, KubeTarget, NodeDriver, Stand } from './contracts.js';

export interface StandIO {
  signal: AbortSignal;
  /** progress lines for the operator (stderr) */
  log(line: string): void;
}

export interface StandStatus {
  up: boolean;
  /** human-readable lines: components, nodes, health */
  lines: string[];
}

/** A stand faultline starts itself (`faultline stand up <kind>`). */
export interface StandKind {
  name: string;
  summary: string;
  /**
   * `{ type: 'object', properties: {...} }` of the options `up` takes; every property
   * needs a description. camelCase names become kebab-case flags (`driveSize` -> `--drive-size`).
   */
  options: JsonSchema;
  /**
   * Whether several instances can run at once, named `<kind>-<suffix>` (e.g. `local-seaweedfs`);
   * the instance name reaches every method. Kinds without instances only answer to their own name.
   */
  instances?: boolean;
  /** Build what is missing, start everything, wait until healthy, print how to reach it. Options are validated. */
  up(instance: string, options: Record<string, unknown>, io: StandIO): Promise<void>;
  /** Remove every process, namespace, mount, rule and file it made; also after a crash. */
  down(instance: string, io: StandIO): Promise<void>;
  status(instance: string, io: StandIO): Promise<StandStatus>;
  /** The running stand; throws a FaultlineError with a hint when it is not up. */
  open(instance: string, signal: AbortSignal): Promise<Stand>;
}

/** `spec.nodes` of a stand file: which driver, its hosts and templates, and the driver's own block. */
export interface NodeSpec {
  driver: string;
  hosts?: Record<string, Record<string, string | number>>;
  commands?: Record<string, string>;
  /** `<driver>: { ... }`, validated against that driver's options schema */
  [driverOptions: string]: unknown;
}

export interface NodeDriverInput {
  standName: string;
  kube?: KubeTarget;
}

export interface MadeNodeDriver {
  driver: NodeDriver;
  capabilities: Capability[];
}

/** A node driver a stand file names in `spec.nodes.driver`. */
export interface NodeDriverKind {
  driver: string;
  summary: string;
  /** schema of the driver's own block, `spec.nodes.<driver>` */
  options: JsonSchema;
  make(spec: NodeSpec, input: NodeDriverInput): MadeNodeDriver;
}
