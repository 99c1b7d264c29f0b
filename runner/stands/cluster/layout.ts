/**
 * Names, addresses, ports and paths of the cluster stand; everything else derives
 * from these. They never overlap the local (fl-*, 10.251.0.0/24) or kwok (243xx) stands.
 *
 *   <stateDir('cluster')>/
 *     state.json  kubeconfig  credentials.json (0600)
 *     pki/ etc/ etcd/ logs/           the control plane (as the kwok stand's)
 *     images/<name>.tar               OCI archives built with umoci, imported into every node
 *     nodes/<node>/
 *       node.log                      faultline's notes and the emulated init
 *       boot/ lib/modules/            emulated kernels (../local/kernel.ts)
 *       drives/d1..d4                 tmpfs drives (the node's disks)
 *       pool/d1..d4                   the drives bind-mounted while the storage pool is imported:
 *                                     the paths of the node's local PersistentVolumes
 *       containerd/{config.toml,root,state,runc,containerd.sock}
 *       cni/{net.d,ipam}
 *       kubelet/ (root dir)  etc/ (kubelet config and kubeconfig)  pod-logs/
 */
import { join } from 'node:path';
import { stateDir } from '../../core/files.js';
import type { PlaneLayout, PlanePorts } from '../control-plane/components.js';

export const NODE_COUNT = 4;
export const DRIVES_PER_NODE = 4;
export const BRIDGE = 'flc-br0';
export const SUBNET_PREFIX = '10.252.0';
/** The host's end of the bridge; the API server binds here so kubelets in the node namespaces reach it. */
export const BRIDGE_ADDRESS = `${SUBNET_PREFIX}.1`;
export const HOST = '127.0.0.1';
export const CONTEXT = 'faultline-cluster';
export const CLUSTER = 'faultline-cluster';
export const S3_PORT = 9000;
export const CONSOLE_PORT = 9001;
export const REGION = 'us-east-1';
export const DEFAULT_DRIVE_SIZE = '1GiB';

/** Where the stand's Kubernetes objects live. */
export const NAMESPACE = 'faultline';
export const STATEFULSET = 'minio';
export const APP_LABEL = { app: 'faultline-minio' } as const;
/** StorageClass of the MinIO claims and the nodes' local PersistentVolumes. */
export const STORAGE_CLASS = 'faultline-local';

/** Names the stand owns on the system; `down` removes whatever matches, state.json or not. */
export const NETNS_RE = /^flc-node\d+$/;
export const VETH_RE = /^flc-node\d+-h$/;
/** nft table on the host that keeps the API server's bridge address to the bridge and loopback. */
export const GUARD_TABLE = 'flc_guard';
/** CNI network name (also the prefix of libcni's cache files). */
export const CNI_NETWORK = 'flc-pods';

/** Control-plane ports on loopback (the API server's on the bridge address), from 24400 up. */
export function planePorts(base = Number(process.env.FAULTLINE_CLUSTER_PORT_BASE ?? 24400)): PlanePorts {
  return { etcd: base + 1, etcdPeer: base + 2, apiserver: base + 3, controllerManager: base + 4, scheduler: base + 5 };
}

export interface ClusterNode {
  name: string;
  netns: string;
  veth: string;
  address: string;
  /** this node's pod range (non-hostNetwork pods) */
  podCidr: string;
  /** cgroup (in every v1 hierarchy) under which this node's kubelet puts its pods */
  cgroupRoot: string;
  dir: string;
  drives: string[];
  /** the storage pool's mount root, present only while the pool is imported (./pool.ts) */
  pool: string;
  /** pool/d1..d4: each a bind mount of one drive, the path of one local PersistentVolume */
  datasets: string[];
  log: string;
  containerd: { dir: string; config: string; root: string; state: string; runcRoot: string; socket: string; log: string };
  cni: { confDir: string; ipamDir: string };
  kubelet: { root: string; config: string; kubeconfig: string; podLogs: string; log: string };
}

export interface ClusterLayout extends PlaneLayout {
  root: string;
  kubeconfig: string;
  stateFile: string;
  credentialsFile: string;
  etc: string;
  logs: string;
  images: string;
  log(component: string): string;
  nodes: ClusterNode[];
}

export function standRoot(): string {
  return stateDir('cluster');
}

/** Outside the stand root, which `down` deletes. */
export const lockPath = (): string => stateDir('cluster.lock');

function nodeOf(root: string, i: number): ClusterNode {
  const name = `node${i + 1}`;
  const dir = join(root, 'nodes', name);
  const c = join(dir, 'containerd');
  return {
    name,
    netns: `flc-${name}`,
    veth: `flc-${name}-h`,
    address: `${SUBNET_PREFIX}.${11 + i}`,
    podCidr: `10.253.${i + 1}.0/24`,
    cgroupRoot: `/flc-${name}`,
    dir,
    drives: Array.from({ length: DRIVES_PER_NODE }, (_, d) => join(dir, 'drives', `d${d + 1}`)),
    pool: join(dir, 'pool'),
    datasets: Array.from({ length: DRIVES_PER_NODE }, (_, d) => join(dir, 'pool', `d${d + 1}`)),
    log: join(dir, 'node.log'),
    containerd: {
      dir: c,
      config: join(c, 'config.toml'),
      root: join(c, 'root'),
      state: join(c, 'state'),
      runcRoot: join(c, 'runc'),
      socket: join(c, 'containerd.sock'),
      log: join(dir, 'containerd.log'),
    },
    cni: { confDir: join(dir, 'cni', 'net.d'), ipamDir: join(dir, 'cni', 'ipam') },
    kubelet: {
      root: join(dir, 'kubelet'),
      config: join(dir, 'etc', 'kubelet.yaml'),
      kubeconfig: join(dir, 'etc', 'kubelet.kubeconfig'),
      podLogs: join(dir, 'pod-logs'),
      log: join(dir, 'kubelet.log'),
    },
  };
}

export function layout(root = standRoot()): ClusterLayout {
  const pki = join(root, 'pki');
  const etc = join(root, 'etc');
  const logs = join(root, 'logs');
  return {
    root,
    kubeconfig: join(root, 'kubeconfig'),
    stateFile: join(root, 'state.json'),
    credentialsFile: join(root, 'credentials.json'),
    pki,
    etc,
    etcdData: join(root, 'etcd'),
    logs,
    images: join(root, 'images'),
    log: (c) => join(logs, `${c}.log`),
    cert: (name) => join(pki, `${name}.crt`),
    key: (name) => join(pki, `${name}.key`),
    componentKubeconfig: (c) => join(etc, `${c}.kubeconfig`),
    nodes: Array.from({ length: NODE_COUNT }, (_, i) => nodeOf(root, i)),
  };
}

export const endpointOf = (n: ClusterNode): string => `http://${n.address}:${S3_PORT}`;
