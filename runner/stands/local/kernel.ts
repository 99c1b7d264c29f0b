/**
 * Kernel emulation. Each node has a boot config (the default kernel id) and a
 * /lib/modules/<kernel>/ tree under its state dir. The stock kernel ships the storage
 * module; the XR kernel does not, which is how the May 11 outage happened: the node
 * boots, its network comes up, and the storage service cannot load its module.
 */
import { appendFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

export const STOCK_KERNEL = '6.12.0-124.8.1.el10_1.x86_64';
export const XR_KERNEL = '6.12.0-200.xr.el10_1.x86_64';
/** The module the storage service needs before it starts. */
export const STORAGE_MODULE = 'zfs';

/** modules.dep entries per installed kernel; only the stock kernel has zfs/spl. */
const installed: Record<string, string[]> = {
  [STOCK_KERNEL]: ['kernel/drivers/net/veth.ko.xz', 'kernel/fs/xfs/xfs.ko.xz', 'extra/spl.ko.xz', 'extra/zfs.ko.xz: extra/spl.ko.xz'],
  [XR_KERNEL]: ['kernel/drivers/net/veth.ko.xz', 'kernel/fs/xfs/xfs.ko.xz'],
};

const modulesDir = (nodeDir: string, kernel: string) => join(nodeDir, 'lib', 'modules', kernel);
const bootDir = (nodeDir: string) => join(nodeDir, 'boot');

/** Writes the module trees and sets the stock kernel as default (first boot of a node). */
export async function installKernels(nodeDir: string): Promise<void> {
  for (const [kernel, deps] of Object.entries(installed)) {
    const dir = modulesDir(nodeDir, kernel);
    for (const line of deps) {
      const file = join(dir, line.split(':')[0]!);
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(file, `faultline emulated module ${basename(file)} for ${kernel}\n`);
    }
    await writeFile(join(dir, 'modules.dep'), deps.map((l) => (l.includes(':') ? l : `${l}:`)).join('\n') + '\n');
    await mkdir(bootDir(nodeDir), { recursive: true });
    await writeFile(join(bootDir(nodeDir), `vmlinuz-${kernel}`), `faultline emulated kernel ${kernel}\n`);
  }
  await setDefaultKernel(nodeDir, STOCK_KERNEL);
}

export async function isInstalled(nodeDir: string, kernel: string): Promise<boolean> {
  return stat(join(bootDir(nodeDir), `vmlinuz-${kernel}`)).then(
    () => true,
    () => false,
  );
}

export async function defaultKernel(nodeDir: string): Promise<string> {
  return (await readFile(join(bootDir(nodeDir), 'default'), 'utf8')).trim();
}

export async function setDefaultKernel(nodeDir: string, kernel: string): Promise<void> {
  await mkdir(bootDir(nodeDir), { recursive: true });
  await writeFile(join(bootDir(nodeDir), 'default'), kernel + '\n');
}

/** The kernel the node is running (set at each boot); undefined before the first boot. */
export async function runningKernel(nodeDir: string): Promise<string | undefined> {
  return readFile(join(bootDir(nodeDir), 'running'), 'utf8').then(
    (t) => t.trim(),
    () => undefined,
  );
}

/** Like `modinfo -k <kernel> <module>`: the module is listed in modules.dep and its file exists. */
export async function hasModule(nodeDir: string, kernel: string, module: string): Promise<boolean> {
  const dir = modulesDir(nodeDir, kernel);
  const dep = await readFile(join(dir, 'modules.dep'), 'utf8').catch(() => '');
  // modprobe treats - and _ in module names alike.
  const norm = (s: string) => s.replace(/-/g, '_');
  for (const line of dep.split('\n')) {
    const path = line.split(':')[0]!.trim();
    if (!path) continue;
    const name = basename(path).replace(/\.ko(\.(xz|gz|zst))?$/, '');
    if (norm(name) === norm(module)) return stat(join(dir, path)).then(() => true, () => false);
  }
  return false;
}

export interface BootResult {
  kernel: string;
  /** why the storage service may not start on this kernel, if it may not */
  refused?: string;
}

/**
 * The node's tiny init: boots the default kernel and loads the storage module.
 * When the module is missing it logs what modprobe would and leaves storage down.
 */
export async function boot(nodeDir: string, log: string): Promise<BootResult> {
  const kernel = await defaultKernel(nodeDir);
  await writeFile(join(bootDir(nodeDir), 'running'), kernel + '\n');
  await appendFile(log, `${new Date().toISOString()} faultline-init: booted kernel ${kernel}\n`);
  const refused = await storageRefusal(nodeDir, log, kernel);
  return { kernel, refused };
}

/** Checks the running kernel before the storage service starts; logs a modprobe-style error if it cannot. */
export async function storageRefusal(nodeDir: string, log: string, kernel?: string): Promise<string | undefined> {
  const k = kernel ?? (await runningKernel(nodeDir)) ?? (await defaultKernel(nodeDir));
  if (await hasModule(nodeDir, k, STORAGE_MODULE)) return undefined;
  const why = `modprobe: FATAL: Module ${STORAGE_MODULE} not found in directory /lib/modules/${k}`;
  await appendFile(log, `${new Date().toISOString()} ${why}\n${new Date().toISOString()} faultline-init: storage service not started: ${STORAGE_MODULE} is unavailable for the running kernel ${k}\n`);
  return why;
}
