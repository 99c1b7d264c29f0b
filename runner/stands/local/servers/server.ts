/**
 * What a storage server of the local stand says about itself (one file each in this folder,
 * listed in index.ts): how to get its binary, how each node starts it, how to tell it is
 * healthy, where it keeps its own metadata on the drives, and which admin APIs of its own the
 * probes may use.
 */
import type { NodeLayout } from '../layout.js';
import type { Credentials, StandState } from '../state.js';

/** a name from serverList */
export type ServerName = string;

export interface ServerCommand {
  argv: string[];
  /** recorded in state.json */
  env: Record<string, string>;
  /** passed to the process, recorded by name only */
  secretEnv: Record<string, string>;
}

export interface Readiness {
  ready: boolean;
  /** the last answer, for the operator */
  detail: string;
}

export interface StorageServer {
  name: ServerName;
  /** as its makers write it: MinIO, SeaweedFS, RustFS */
  title: string;
  /** how the stand looks with this server, for `stand status` and the stand list */
  summary: string;
  /** its entry in stands/tools.json */
  tool: string;
  /** loopback mode (no namespaces) is only offered where the server can share one host */
  loopback: boolean;
  /** the server's metadata folder at the root of every drive, if it keeps one there */
  systemFolder?: '.minio.sys' | '.rustfs.sys';
  /** probe kinds that need this server's own admin API, e.g. minio.nodes */
  adminProbes: readonly string[];
  /** on the S3 endpoint: answers 200 when the cluster serves */
  healthPath: string;
  /** on every node's S3 address: answers 200 when that node's service lives */
  livePath: string;
  metricsPath?: string;
  /** config files a node needs before its first start (written under its dir) */
  prepare?(state: StandState, n: NodeLayout, creds: Credentials): Promise<void>;
  command(state: StandState, n: NodeLayout, creds: Credentials): ServerCommand;
  /** whether a process's argv is this server serving node `n` */
  isService(argv: string[], n: NodeLayout): boolean;
  /** whether the whole cluster is ready (asked once per poll during up) */
  readiness(state: StandState, signal: AbortSignal): Promise<Readiness>;
}
