/**
 * Each node's container runtime: its own containerd (Debian 1.6, CRI plugin) with
 * its own root, state dir, socket and runc root, started inside the node's network
 * namespace, so hostNetwork pods share the node's address. Its CNI config gives
 * other pods an address from the node's pod range on a bridge inside the namespace
 * (the kubelet reports NotReady without one).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from '../../core/child.js';
import { deadline, pollUntil } from '../../core/abort.js';
import { FaultlineError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/files.js';
import { runs, logTail, spawnDetached, type ProcRecord } from '../../core/proc.js';
import { PAUSE, refOf } from './images.js';
import { CNI_NETWORK, type ClusterNode } from './layout.js';

export const CNI_BIN_DIR = '/usr/lib/cni';
export const RUNC = '/usr/sbin/runc';
const READY_MS = 60_000;

function toml(s: string): string {
  return JSON.stringify(s);
}

/** containerd 1.6 config (version 2): CRI with runc via shim v2, cgroupfs, no registry. */
export function containerdConfig(n: ClusterNode): string {
  const c = n.containerd;
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return `# written by faultline for ${n.name}
version = 2
root = ${toml(c.root)}
state = ${toml(c.state)}
# nothing outside this node's directories: no /opt plugins; the v1 runtime (the task service needs it) keeps its root here
disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = ${toml(c.socket)}
[ttrpc]
  address = ${toml(`${c.socket}.ttrpc`)}
[metrics]
  address = ""

[plugins."io.containerd.runtime.v1.linux"]
  runtime_root = ${toml(join(c.runcRoot, 'v1'))}

[${cri}]
  sandbox_image = ${toml(refOf(PAUSE))}
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  # without CAP_SYS_RESOURCE (containers, some VMs) nothing may go below containerd's own oom_score_adj
  restrict_oom_score_adj = true
  [${cri}.containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [${cri}.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [${cri}.containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = ${toml(RUNC)}
        Root = ${toml(c.runcRoot)}
  [${cri}.cni]
    bin_dir = ${toml(CNI_BIN_DIR)}
    conf_dir = ${toml(n.cni.confDir)}
    max_conf_num = 1
`;
}

/** Bridge + host-local over the node's pod range; the other nodes' ranges are routed via their node addresses. */
export function cniConfig(n: ClusterNode): string {
  return JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: CNI_NETWORK,
      plugins: [
        {
          type: 'bridge',
          bridge: 'flc-pods0',
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: { type: 'host-local', ranges: [[{ subnet: n.podCidr }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: n.cni.ipamDir },
        },
      ],
    },
    null,
    2,
  );
}

export async function writeRuntimeConfig(n: ClusterNode): Promise<void> {
  for (const d of [n.containerd.dir, n.containerd.root, n.containerd.state, n.containerd.runcRoot, n.cni.confDir, n.cni.ipamDir]) await mkdir(d, { recursive: true, mode: 0o700 });
  await writeFileAtomic(n.containerd.config, containerdConfig(n), 0o600);
  await writeFileAtomic(join(n.cni.confDir, `10-${CNI_NETWORK}.conflist`), cniConfig(n) + '\n');
}

/** Whether the node's containerd answers on its socket. */
export async function runtimeAnswers(n: ClusterNode, signal: AbortSignal): Promise<boolean> {
  const r = await execa('ctr', ['--address', n.containerd.socket, 'version'], { cancelSignal: deadline(signal, 5_000), reject: false, stdin: 'ignore' });
  return !r.failed;
}

/** Starts containerd in the node's namespace and waits until it answers. */
export async function startRuntime(n: ClusterNode, signal: AbortSignal): Promise<ProcRecord> {
  await writeRuntimeConfig(n);
  const rec = await spawnDetached(`containerd-${n.name}`, 'nsenter', [`--net=/run/netns/${n.netns}`, '--', '/usr/bin/containerd', '--config', n.containerd.config], n.containerd.log, n.dir, {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
  });
  await pollUntil(`${n.name}: containerd to answer on ${n.containerd.socket}`, READY_MS, signal, async (s) => {
    if (!runs(rec)) {
      throw new FaultlineError('cluster-runtime', `${n.name}: containerd exited during start; the end of ${n.containerd.log} follows`, { cause: new Error(await logTail(n.containerd.log)) });
    }
    return (await runtimeAnswers(n, s)) ? true : undefined;
  }, 200);
  return rec;
}
