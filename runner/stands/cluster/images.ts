/**
 * The stand's container images, built from binaries already on the machine (no
 * registry is reachable): an OCI layout made with umoci, archived, and imported
 * into every node's containerd with `ctr images import`. Pods use them with
 * imagePullPolicy Never; the pause image is each containerd's sandbox_image.
 */
import { mkdir, rm, symlink, copyFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from '../../core/child.js';
import { deadline } from '../../core/abort.js';
import { FaultlineError } from '../../core/errors.js';
import type { ClusterNode } from './layout.js';

export const IMAGE_REGISTRY = 'faultline.local';
/** Debian's busybox-static: a shell and the usual tools in one static binary. */
export const BUSYBOX = '/usr/bin/busybox';

export interface ImageSpec {
  /** repository under IMAGE_REGISTRY, e.g. "busybox" */
  name: string;
  tag: string;
  /** host file -> path in the image (made executable) */
  files: Record<string, string>;
  /** busybox applets linked into /bin */
  applets?: boolean;
  entrypoint: string[];
}

export const refOf = (s: Pick<ImageSpec, 'name' | 'tag'>): string => `${IMAGE_REGISTRY}/${s.name}:${s.tag}`;

const BUILD_MS = 5 * 60_000;
const IMPORT_MS = 5 * 60_000;

/** Sandbox (pause) container: sleeps until killed. */
export const PAUSE: ImageSpec = { name: 'pause', tag: '1', files: { [BUSYBOX]: '/bin/busybox' }, entrypoint: ['/bin/busybox', 'sleep', '2147483647'] };
/** Probes, init containers and test workloads. */
export const TOOLS: ImageSpec = { name: 'busybox', tag: '1', files: { [BUSYBOX]: '/bin/busybox' }, applets: true, entrypoint: ['/bin/sh'] };

export function minioImage(bin: string, version: string): ImageSpec {
  return { name: 'minio', tag: version.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 128), files: { [bin]: '/usr/bin/minio' }, entrypoint: ['/usr/bin/minio'] };
}

async function tool(cmd: string, args: string[], signal: AbortSignal, ms: number, what: string): Promise<string> {
  const r = await execa(cmd, args, { cancelSignal: deadline(signal, ms), reject: false, all: true, stdin: 'ignore' });
  if (r.failed) {
    signal.throwIfAborted();
    const missing = (r as { code?: string }).code === 'ENOENT';
    throw new FaultlineError('cluster-image', `${what}: ${cmd} ${args[0] ?? ''} failed${missing ? ` (${cmd} is not installed)` : ''}`, {
      hint: missing ? 'Debian packages: umoci, containerd, busybox-static' : undefined,
      cause: new Error(String(r.all ?? r.message).slice(-1500)),
    });
  }
  return String(r.all ?? '');
}

async function applets(signal: AbortSignal): Promise<string[]> {
  const out = await tool(BUSYBOX, ['--list'], signal, 10_000, 'listing busybox applets');
  return out.split('\n').map((s) => s.trim()).filter((s) => /^[\w.[-]+$/.test(s) && s !== 'busybox');
}

/** Builds `spec` into `<dir>/<name>.tar` (an OCI image layout archive); returns its path. */
export async function buildImage(spec: ImageSpec, dir: string, signal: AbortSignal): Promise<string> {
  const work = join(dir, `${spec.name}.build`);
  const layoutDir = join(work, 'oci');
  const bundle = join(work, 'bundle');
  const image = `${layoutDir}:${spec.tag}`;
  const what = `building image ${refOf(spec)}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await tool('umoci', ['init', '--layout', layoutDir], signal, BUILD_MS, what);
  await tool('umoci', ['new', '--image', image], signal, BUILD_MS, what);
  await tool('umoci', ['unpack', '--image', image, bundle], signal, BUILD_MS, what);
  const rootfs = join(bundle, 'rootfs');
  for (const d of ['bin', 'tmp', 'usr/bin', 'etc']) await mkdir(join(rootfs, d), { recursive: true });
  await chmod(join(rootfs, 'tmp'), 0o1777);
  for (const [from, to] of Object.entries(spec.files)) {
    await copyFile(from, join(rootfs, to));
    await chmod(join(rootfs, to), 0o755);
  }
  if (spec.applets) for (const a of await applets(signal)) await symlink('busybox', join(rootfs, 'bin', a)).catch(() => {});
  await tool('umoci', ['repack', '--image', image, bundle], signal, BUILD_MS, what);
  await tool('umoci', ['config', '--image', image, '--config.env', 'PATH=/usr/bin:/bin', ...spec.entrypoint.flatMap((e) => ['--config.entrypoint', e])], signal, BUILD_MS, what);
  const tar = join(dir, `${spec.name}.tar`);
  await tool('tar', ['-C', layoutDir, '-cf', tar, '.'], signal, BUILD_MS, what);
  await rm(work, { recursive: true, force: true });
  return tar;
}

/** Imports an archive built by buildImage into a node's containerd, in the CRI's namespace. */
export async function importImage(n: ClusterNode, spec: ImageSpec, tar: string, signal: AbortSignal): Promise<void> {
  await tool('ctr', ['--address', n.containerd.socket, '--namespace', 'k8s.io', 'images', 'import', '--base-name', `${IMAGE_REGISTRY}/${spec.name}`, tar], signal, IMPORT_MS, `importing ${refOf(spec)} into ${n.name}`);
}

/** Image references a node's containerd holds. */
export async function imagesOn(n: ClusterNode, signal: AbortSignal): Promise<string[]> {
  const out = await tool('ctr', ['--address', n.containerd.socket, '--namespace', 'k8s.io', 'images', 'ls', '-q'], signal, 20_000, `listing images of ${n.name}`);
  return out.split('\n').map((s) => s.trim()).filter(Boolean);
}
