/** `nodes.driver: ssh`: the driver plus the capabilities its templates give the stand. */
import type { Capability } from '../../core/contracts.js';
import type { MadeNodeDriver, NodeDriverInput } from '../node-drivers.js';
import type { NodeSpec } from '../index.js';
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
};

export function sshNodeDriver(spec: NodeSpec, input: NodeDriverInput): MadeNodeDriver {
  const cfg = readSshConfig(spec, input.standName);
  const driver = new SshNodeDriver(cfg);
  const ops = (Object.keys(needs) as NodeOp[]).filter((op) => needs[op]!.every((c) => driver.has(c)));
  const hostsWithDrives = [...cfg.hosts.values()].filter((h) => h.drives.length).length;
  const usable = ops.filter((op) => (op === 'fillDisk' || op === 'fillPath' || op === 'clearFill' ? hostsWithDrives > 0 : true));
  const caps: Capability[] = [];
  if (usable.some((op) => ['powerOff', 'kill', 'stop', 'pause'].includes(op))) caps.push('nodes');
  if (usable.includes('partition')) caps.push('network');
  if (usable.includes('fillDisk') && hostsWithDrives === cfg.hosts.size) caps.push('disk');
  if (usable.includes('setBootKernel')) caps.push('kernel');
  return { driver: supportedView(driver, usable), capabilities: caps };
}
