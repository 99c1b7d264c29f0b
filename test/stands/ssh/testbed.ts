/**
 * Real test hosts for the ssh driver: one network namespace per host on a bridge
 * (10.254.0.0/24, fl-sshbr), each running Debian's sshd on its namespace address
 * only, with its own mount namespace in which a fake /lib/modules tree is bound.
 * sshd's ForceCommand records every command it ran (with the namespace it ran in)
 * before running it, so tests can see exactly which host got what.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { appendFile, chmod, copyFile, mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { NodeSpec } from '../../../runner/core/stand-kind.js';

export const BRIDGE = 'fl-sshbr';
export const STOCK_KERNEL = '6.12.0-124.8.1.el10_1.x86_64';
/** an update that ships the storage modules */
export const NEXT_KERNEL = '6.12.0-130.1.1.el10_2.x86_64';
/** the May 11 kernel: no zfs/spl built for it */
export const XR_KERNEL = '6.12.0-124.8.1.el10_1.x86_64+xr';
/** Survives a crashed run so the next one can remove what it left. */
const LEFTOVERS = join(tmpdir(), 'faultline-ssh-testbed.json');
/** One testbed at a time on a machine (names and subnet are fixed): holds the owner's pid. */
const LOCK = join(tmpdir(), 'faultline-ssh-testbed.lock');

export interface TestHost {
  name: string;
  netns: string;
  address: string;
  root: string;
  /** name of the fake storage service process (a copy of sleep) */
  service: string;
  drive: string;
  sshdPid?: number;
}

const sh = (cmd: string, timeout = 20_000) => execa('sh', ['-c', cmd], { timeout });

/** Tools the testbed needs and the Debian package that brings each. */
const tools: Record<string, string> = {
  '/usr/sbin/sshd': 'openssh-server', ssh: 'openssh-client', 'ssh-keygen': 'openssh-client', ip: 'iproute2',
  nft: 'nftables', iptables: 'iptables', modinfo: 'kmod', depmod: 'kmod', gcc: 'gcc', unshare: 'util-linux', fallocate: 'util-linux',
};

export async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const [tool, pkg] of Object.entries(tools)) {
    const r = await execa('sh', ['-c', `command -v ${tool}`], { reject: false, timeout: 5000 });
    if (r.exitCode !== 0) missing.push(`${tool} (apt-get install ${pkg})`);
  }
  if (process.getuid?.() !== 0) missing.push('root (network namespaces, sshd)');
  return missing;
}

export class SshTestbed {
  dir = '';
  hosts: TestHost[] = [];
  clientKey = '';
  knownHosts = '';
  bmcLog = '';
  private madeModulesDir = false;

  async up(count = 2): Promise<void> {
    await takeLock(10 * 60_000);
    await cleanLeftovers();
    this.dir = await mkdtemp(join(tmpdir(), 'fl-ssh-'));
    this.bmcLog = join(this.dir, 'bmc.log');
    this.clientKey = join(this.dir, 'client_key');
    this.knownHosts = join(this.dir, 'known_hosts');
    await this.remember();
    await sh(`ssh-keygen -q -t ed25519 -N '' -C faultline-test -f ${this.clientKey}`);
    await copyFile(`${this.clientKey}.pub`, join(this.dir, 'authorized_keys'));
    await this.buildModules();
    await mkdir('/run/sshd', { recursive: true });
    if (!existsSync('/usr/lib/modules')) {
      await mkdir('/usr/lib/modules');
      this.madeModulesDir = true;
      await this.remember();
    }
    await sh(`ip link add ${BRIDGE} type bridge && ip addr add 10.254.0.1/24 dev ${BRIDGE} && ip link set ${BRIDGE} up`);
    for (let i = 1; i <= count; i++) this.hosts.push(await this.addHost(i));
    await this.remember();
    await Promise.all(this.hosts.map((h) => waitForPort(h.address, 22, 10_000)));
  }

  private async addHost(i: number): Promise<TestHost> {
    const name = `ssh${i}`;
    const h: TestHost = {
      name, netns: `fl-ssh${i}`, address: `10.254.0.${10 + i}`, root: join(this.dir, name),
      service: `fl-stor-${name}`, drive: join(this.dir, name, 'drive0'),
    };
    const veth = `fl-ssh${i}-h`;
    await sh(
      `ip netns add ${h.netns} && ip link add ${veth} type veth peer name eth0 netns ${h.netns}` +
        ` && ip link set ${veth} master ${BRIDGE} up && ip -n ${h.netns} link set lo up` +
        ` && ip -n ${h.netns} addr add ${h.address}/24 dev eth0 && ip -n ${h.netns} link set eth0 up`,
    );
    await mkdir(h.drive, { recursive: true });
    await sh(`mount -t tmpfs -o size=64m fl-ssh-drive ${h.drive}`);
    await copyFile('/usr/bin/sleep', join(h.root, h.service));
    await sh(`ssh-keygen -q -t ed25519 -N '' -f ${h.root}/host_key`);
    const pub = (await readFile(`${h.root}/host_key.pub`, 'utf8')).split(' ').slice(0, 2).join(' ');
    await appendFile(this.knownHosts, `${h.address} ${pub}\n`);
    // Boot state of the pretend machine: what reboot flips, and a reboot that takes it off the network for 2 s.
    await writeFile(`${h.root}/default-kernel`, `${STOCK_KERNEL}\n`);
    await writeFile(`${h.root}/running-kernel`, `${STOCK_KERNEL}\n`);
    await writeFile(`${h.root}/boot-id`, 'boot-1\n');
    await writeFile(`${h.root}/blackhole.nft`, blackholeRules('fl_reboot'));
    await writeExecutable(
      `${h.root}/reboot`,
      `#!/bin/sh\ncd ${h.root}\nsetsid sh -c 'sleep 0.3; nft -f blackhole.nft; sleep 2; cp default-kernel running-kernel;` +
        ` echo boot-$(date +%s%N) > boot-id; nft delete table inet fl_reboot' </dev/null >/dev/null 2>&1 &\n`,
    );
    await writeExecutable(
      `${h.root}/record`,
      `#!/bin/sh\nprintf '%s\\t%s\\n' "$(ip netns identify)" "$SSH_ORIGINAL_COMMAND" >> ${h.root}/ran.log\nexec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n`,
    );
    await writeFile(`${h.root}/ran.log`, '');
    await writeFile(
      `${h.root}/sshd_config`,
      [
        `ListenAddress ${h.address}:22`, `HostKey ${h.root}/host_key`, `PidFile ${h.root}/sshd.pid`,
        `AuthorizedKeysFile ${this.dir}/authorized_keys`, 'PermitRootLogin prohibit-password', 'PasswordAuthentication no',
        'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', 'LogLevel ERROR', 'ClientAliveInterval 2', 'ClientAliveCountMax 2', `ForceCommand ${h.root}/record`, '',
      ].join('\n'),
    );
    await writeFile(`${h.root}/power.nft`, blackholeRules('fl_power'));
    await this.installModules(h);
    // A mount namespace of its own, so /lib/modules is this host's fake tree.
    const log = openSync(`${h.root}/sshd.log`, 'a');
    const child = spawn(
      'ip',
      ['netns', 'exec', h.netns, 'unshare', '-m', '--propagation', 'private', 'sh', '-c',
        `mount --bind ${h.root}/modroot/lib/modules /usr/lib/modules && exec /usr/sbin/sshd -D -e -f ${h.root}/sshd_config`],
      { stdio: ['ignore', log, log], detached: true },
    );
    closeSync(log);
    child.unref();
    h.sshdPid = child.pid;
    return h;
  }

  /** Fake module trees: the stock kernel has zfs and spl, the XR kernel has neither (the May 11 incident). */
  private async buildModules(): Promise<void> {
    const src = join(this.dir, 'mod');
    await mkdir(src);
    for (const m of ['zfs', 'spl']) {
      await writeFile(`${src}/${m}.c`,
        `__attribute__((section(".modinfo"), used)) static const char info[] = "license=CDDL\\0name=${m}\\0description=faultline test stand-in";\n`);
      await sh(`gcc -c -o ${src}/${m}.ko ${src}/${m}.c`);
    }
    this.moduleSource = src;
  }
  private moduleSource = '';

  private async installModules(h: TestHost): Promise<void> {
    const base = `${h.root}/modroot`;
    for (const [k, mods] of [[STOCK_KERNEL, ['zfs', 'spl']], [NEXT_KERNEL, ['zfs', 'spl']], [XR_KERNEL, []]] as const) {
      const dir = `${base}/lib/modules/${k}`;
      await mkdir(`${dir}/extra`, { recursive: true });
      for (const f of ['modules.order', 'modules.builtin', 'modules.builtin.modinfo']) await writeFile(`${dir}/${f}`, '');
      for (const m of mods) await copyFile(`${this.moduleSource}/${m}.ko`, `${dir}/extra/${m}.ko`);
      await sh(`depmod -b ${base} ${k}`);
    }
  }

  /** Lines "netns<TAB>command" this host's sshd ran, oldest first. */
  async ran(h: TestHost): Promise<{ netns: string; command: string }[]> {
    const text = await readFile(`${h.root}/ran.log`, 'utf8');
    return text.split('\n').filter(Boolean).map((l) => {
      const [netns, ...rest] = l.split('\t');
      return { netns: netns!, command: rest.join('\t') };
    });
  }

  async clearRan(): Promise<void> {
    await Promise.all(this.hosts.map((h) => writeFile(`${h.root}/ran.log`, '')));
  }

  /** Drops every packet in and out of the host's namespace. */
  async blackhole(h: TestHost): Promise<void> {
    await writeFile(`${h.root}/test-blackhole.nft`, blackholeRules('fl_blackhole'));
    await sh(`ip netns exec ${h.netns} nft -f ${h.root}/test-blackhole.nft`);
  }

  async unblackhole(h: TestHost): Promise<void> {
    await sh(`ip netns exec ${h.netns} sh -c 'nft list table inet fl_blackhole >/dev/null 2>&1 && nft delete table inet fl_blackhole; true'`);
  }

  async down(): Promise<void> {
    if (!this.dir) return;
    await teardown({ dir: this.dir, pids: this.hosts.map((h) => h.sshdPid!), madeModulesDir: this.madeModulesDir });
    await rm(LOCK, { force: true });
  }

  private async remember(): Promise<void> {
    const state: Leftovers = { dir: this.dir, pids: this.hosts.map((h) => h.sshdPid!), madeModulesDir: this.madeModulesDir };
    await writeFile(LEFTOVERS, JSON.stringify(state));
  }
}

interface Leftovers {
  dir: string;
  pids: number[];
  madeModulesDir: boolean;
}

function blackholeRules(table: string): string {
  return `table inet ${table} {\n chain in { type filter hook input priority -100; policy drop; }\n chain out { type filter hook output priority -100; policy drop; }\n}\n`;
}

async function writeExecutable(path: string, text: string): Promise<void> {
  await writeFile(path, text);
  await chmod(path, 0o755);
}

async function cleanLeftovers(): Promise<void> {
  if (!existsSync(LEFTOVERS)) return;
  await teardown(JSON.parse(await readFile(LEFTOVERS, 'utf8')) as Leftovers);
}

/** Removes everything the testbed made: its processes (by pid), namespaces, bridge, mounts and files. */
async function teardown(s: Leftovers): Promise<void> {
  for (const pid of s.pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  // everything still running inside the test namespaces: sshd sessions, the pretend services
  for (let i = 1; i <= 4; i++) {
    const r = await execa('ip', ['netns', 'pids', `fl-ssh${i}`], { reject: false, timeout: 5000 });
    for (const pid of r.stdout.split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
  for (let i = 1; i <= 4; i++) {
    // the host end first: a namespace kept alive by a lingering socket would keep its veth too
    await execa('ip', ['link', 'del', `fl-ssh${i}-h`], { reject: false, timeout: 10_000 });
    await execa('ip', ['netns', 'del', `fl-ssh${i}`], { reject: false, timeout: 10_000 });
  }
  await execa('ip', ['link', 'del', BRIDGE], { reject: false, timeout: 10_000 });
  if (s.dir) {
    await execa('sh', ['-c', `grep -o ' ${s.dir}/[^ ]*' /proc/mounts | xargs -r -n1 umount -l`], { reject: false, timeout: 10_000 });
    await rm(s.dir, { recursive: true, force: true });
  }
  // only the empty mount point this testbed made (its trees were bound inside private mount namespaces)
  if (s.madeModulesDir) await rmdir('/usr/lib/modules').catch(() => {});
  await rm(LEFTOVERS, { force: true });
}

/** Waits (bounded) while another live process runs a testbed; takes over a dead owner's lock. */
async function takeLock(ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await writeFile(LOCK, String(process.pid), { flag: 'wx' });
      return;
    } catch {
      const owner = Number(await readFile(LOCK, 'utf8').catch(() => '0'));
      let alive = owner === process.pid;
      try {
        if (owner > 0 && !alive) alive = (process.kill(owner, 0), true);
      } catch {
        alive = false;
      }
      if (!alive) await rm(LOCK, { force: true });
      else if (Date.now() > until) throw new Error(`another ssh testbed (pid ${owner}) is still running after ${ms / 1000} s`);
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Waits until something listens on address:port (connect succeeds). */
export async function waitForPort(address: string, port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: address, port, timeout: 500 });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
      s.once('timeout', () => (s.destroy(), resolve(false)));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${address}:${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A stand file's `nodes` for the testbed's hosts. */
export function testbedSpec(
  bed: SshTestbed,
  commands: Record<string, string>,
  ssh: { connectTimeout?: string; commandTimeout?: string; rebootTimeout?: string; options?: string[] } = {},
): NodeSpec {
  return {
    driver: 'ssh',
    hosts: Object.fromEntries(
      bed.hosts.map((h) => [
        h.name,
        {
          address: h.address, user: 'root', identityFile: bed.clientKey, netns: h.netns, root: h.root,
          service: h.service, drives: h.drive, modules: 'zfs,spl', bmclog: bed.bmcLog,
        },
      ]),
    ),
    commands,
    ssh: {
      connectTimeout: '2s',
      ...ssh,
      options: [...(ssh.options ?? []), `UserKnownHostsFile=${bed.knownHosts}`, 'GlobalKnownHostsFile=/dev/null'],
    },
  };
}
