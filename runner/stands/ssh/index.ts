/** `nodes.driver: ssh`: real hosts over ssh; the capabilities follow from the templates given. */
import type { Capability } from '../../core/contracts.js';
import type { MadeNodeDriver, NodeDriverInput, NodeDriverKind, NodeSpec } from '../../core/stand-kind.js';
import { durationSchema } from '../../spec/fragments.js';
import { supportedView, type NodeOp } from '../command/view.js';
import { readSshConfig, type SshCommand } from './config.js';
import { SshNodeDriver } from './driver.js';

/** Which driver methods exist, given the templates they (and their undo) need; unlisted ones never do. */
const needs: Partial<Record<NodeOp, SshCommand[]>> = {
  powerOff: ['powerOff', 'powerOn'],
  powerOn: ['powerOn'],
  kill: ['kill', 'start'],
  stop: ['stop', 'start'],
  start: ['start'],
  pause: ['pause', 'resume'],
  resume: ['resume'],
  partition: ['partition', 'heal'],
  heal: ['heal'],
  fillDisk: ['fillDisk', 'clearFill'],
  fillPath: ['fillDisk'],
  clearFill: ['clearFill'],
  bootKernel: ['bootKernel'],
  setBootKernel: ['setBootKernel', 'bootKernel', 'reboot', 'bootId', 'runningKernel'],
  hasModule: ['hasModule'],
  runningKernel: ['runningKernel'],
  serviceProcesses: ['serviceProcesses'],
  driveSpace: [],
  peerConnect: ['peerConnect'],
};

function make(spec: NodeSpec, input: NodeDriverInput): MadeNodeDriver {
  const cfg = readSshConfig(spec, input.standName);
  const driver = new SshNodeDriver(cfg);
  const ops = (Object.keys(needs) as NodeOp[]).filter((op) => needs[op]!.every((c) => driver.has(c)));
  const hostsWithDrives = [...cfg.hosts.values()].filter((h) => h.drives.length).length;
  const withPorts = [...cfg.hosts.values()].filter((h) => h.servicePort !== undefined).length;
  const usable = ops.filter((op) =>
    op === 'fillDisk' || op === 'fillPath' || op === 'clearFill' || op === 'driveSpace' ? hostsWithDrives > 0 : op === 'peerConnect' ? withPorts > 0 : true,
  );
  const caps: Capability[] = [];
  if (usable.some((op) => ['powerOff', 'kill', 'stop', 'pause'].includes(op))) caps.push('nodes');
  if (usable.includes('partition')) caps.push('network');
  if (usable.includes('fillDisk') && hostsWithDrives === cfg.hosts.size) caps.push('disk');
  if (usable.includes('setBootKernel')) caps.push('kernel');
  return { driver: supportedView(driver, usable), capabilities: caps };
}

export const sshDriver: NodeDriverKind = {
  driver: 'ssh',
  summary: 'real hosts over ssh (OpenSSH client, BatchMode); BMC and boot commands as templates',
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      connectTimeout: { ...durationSchema, description: 'ssh ConnectTimeout (default 10s)' },
      commandTimeout: { ...durationSchema, description: 'bound of one command (default 120s)' },
      rebootTimeout: { ...durationSchema, description: 'setBootKernel: bound for the host to come back (default 15m)' },
      options: { type: 'array', items: { type: 'string' }, description: "ssh -o options; they win over faultline's defaults except BatchMode=yes" },
      sudo: { type: 'boolean', description: 'run every remote command through sudo -n sh -c (for a non-root user)' },
    },
  },
  make,
};
