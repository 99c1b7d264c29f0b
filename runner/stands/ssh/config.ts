/** Reads the `nodes` part of an ssh stand file: hosts, command templates, timeouts. */
import { FaultlineError, ExitCode } from '../../core/errors.js';
import { mustDuration } from '../../core/units.js';
import { checkTemplates, type Vars } from '../command/template.js';
import type { NodeSpec } from '../../core/stand-kind.js';

/** Every command an ssh stand may template, with the variables each gets besides the host's. */
export const sshCommands = {
  powerOff: [],
  powerOn: [],
  kill: [],
  stop: [],
  start: [],
  pause: [],
  resume: [],
  partition: ['peers'],
  heal: ['peers'],
  fillDisk: ['drive', 'file', 'bytes', 'fraction'],
  clearFill: ['drive', 'file'],
  bootKernel: [],
  setBootKernel: ['kernel'],
  reboot: [],
  bootId: [],
  runningKernel: [],
  /** prints each storage process as "PID STAT [START]", one a line: how a kill, stop or pause is proven */
  serviceProcesses: [],
  /** run on a peer: connect to {{target}}:{{port}} within {{seconds}}; exit 0 = open, "refused" in stderr = RST, 124 = no answer */
  peerConnect: ['target', 'port', 'seconds'],
  hasModule: ['kernel', 'module'],
} as const satisfies Record<string, readonly string[]>;

export type SshCommand = keyof typeof sshCommands;

/**
 * Generic Linux mechanics get defaults; anything service- or hardware-specific
 * (power, kill/stop/start, pause, boot loader) must be templated by the stand file.
 * partition keeps its rules in one chain, so a repeat replaces them and heal removes all.
 */
export const sshDefaults: Partial<Record<SshCommand, string>> = {
  partition:
    'iptables -w -N faultline 2>/dev/null; iptables -w -F faultline' +
    ' && iptables -w -A faultline -s {{peers}} -j DROP && iptables -w -A faultline -d {{peers}} -j DROP' +
    ' && for c in INPUT OUTPUT FORWARD; do iptables -w -C $c -j faultline 2>/dev/null || iptables -w -I $c -j faultline || exit 1; done',
  heal:
    'for c in INPUT OUTPUT FORWARD; do while iptables -w -D $c -j faultline 2>/dev/null; do :; done; done;' +
    ' iptables -w -F faultline 2>/dev/null; iptables -w -X faultline 2>/dev/null; true',
  fillDisk: 'fallocate -l {{bytes}} {{file}}',
  clearFill: 'rm -f {{file}}',
  reboot: 'systemctl reboot',
  bootId: 'cat /proc/sys/kernel/random/boot_id',
  runningKernel: 'uname -r',
  peerConnect: 'timeout {{seconds}} bash -c \'exec 3<>"/dev/tcp/$0/$1"\' {{target}} {{port}}',
  hasModule: 'modinfo -k {{kernel}} {{module}}',
};

export interface SshHost {
  name: string;
  address: string;
  user?: string;
  port?: number;
  identityFile?: string;
  /** drive paths (hosts.<n>.drives, comma-separated) */
  drives: string[];
  /** the storage service's TCP port (hosts.<n>.servicePort): where a peer's connect proves a power cut or a partition */
  servicePort?: number;
  /** modules setBootKernel insists on (hosts.<n>.modules, comma-separated) */
  modules: string[];
  /** everything templates may use */
  vars: Vars;
}

export interface SshConfig {
  standName: string;
  hosts: Map<string, SshHost>;
  commands: Partial<Record<SshCommand, string>>;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  rebootTimeoutMs: number;
  options: string[];
  /** wrap remote commands in sudo -n sh -c */
  sudo: boolean;
}

const list = (v: string | number | undefined) =>
  v === undefined ? [] : String(v).split(',').map((s) => s.trim()).filter(Boolean);

/** `spec.nodes.ssh`, validated against the driver's options schema (index.ts). */
export interface SshOptions {
  connectTimeout?: string;
  commandTimeout?: string;
  rebootTimeout?: string;
  options?: string[];
  sudo?: boolean;
}

export function readSshConfig(spec: NodeSpec, standName: string): SshConfig {
  const o = (spec.ssh ?? {}) as SshOptions;
  const problems: string[] = [];
  const hosts = new Map<string, SshHost>();
  for (const [name, h] of Object.entries(spec.hosts ?? {})) {
    const address = String(h.address ?? name);
    const vars: Vars = { ...h, node: name, address };
    hosts.set(name, {
      name,
      address,
      user: h.user === undefined ? undefined : String(h.user),
      port: h.port === undefined ? undefined : Number(h.port),
      identityFile: h.identityFile === undefined ? undefined : String(h.identityFile),
      drives: list(h.drives),
      servicePort: h.servicePort === undefined ? undefined : Number(h.servicePort),
      modules: list(h.modules),
      vars,
    });
  }
  if (!hosts.size) problems.push('nodes.hosts: an ssh stand needs at least one host');
  const given = spec.commands ?? {};
  problems.push(...checkTemplates(given, sshCommands, Object.fromEntries([...hosts].map(([n, h]) => [n, h.vars]))));
  const duration = (text: string | undefined, fallback: number, field: string) => {
    if (text === undefined) return fallback;
    try {
      return mustDuration(text);
    } catch {
      problems.push(`nodes.ssh.${field}: not a duration: ${text}`);
      return fallback;
    }
  };
  const cfg: SshConfig = {
    standName,
    hosts,
    commands: { ...sshDefaults, ...given },
    connectTimeoutMs: duration(o.connectTimeout, 10_000, 'connectTimeout'),
    commandTimeoutMs: duration(o.commandTimeout, 120_000, 'commandTimeout'),
    rebootTimeoutMs: duration(o.rebootTimeout, 15 * 60_000, 'rebootTimeout'),
    options: o.options ?? [],
    sudo: o.sudo ?? false,
  };
  if (problems.length) {
    throw new FaultlineError('stand-nodes', `stand ${standName}: ${problems.length} problem(s) in nodes:\n  ${problems.join('\n  ')}`, {
      exitCode: ExitCode.invalidInput,
    });
  }
  return cfg;
}
