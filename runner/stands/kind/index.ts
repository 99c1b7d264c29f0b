/** `nodes.driver: kind`: kind's node containers through the docker CLI. */
import type { Capability } from '../../core/contracts.js';
import type { MadeNodeDriver, NodeDriverInput, NodeDriverKind, NodeSpec } from '../../core/stand-kind.js';
import { durationSchema } from '../../spec/fragments.js';
import { supportedView, type NodeOp } from '../command/view.js';
import { readKindConfig } from './config.js';
import { KindNodeDriver } from './driver.js';

function make(spec: NodeSpec, input: NodeDriverInput): MadeNodeDriver {
  const driver = new KindNodeDriver(readKindConfig(spec, input.standName, input.kube));
  const ops: NodeOp[] = ['powerOff', 'powerOn', 'pause', 'resume', 'partition', 'heal', 'fillDisk', 'fillPath', 'clearFill', 'powerState', 'driveSpace'];
  if (driver.namesProcess()) ops.push('serviceProcesses');
  if (driver.has('start')) {
    ops.push('start');
    if (driver.has('kill')) ops.push('kill');
    if (driver.has('stop')) ops.push('stop');
  }
  const caps: Capability[] = ['nodes', 'network', 'disk'];
  return { driver: supportedView(driver, ops), capabilities: caps };
}

export const kindDriver: NodeDriverKind = {
  driver: 'kind',
  summary: "kind's node containers through the docker CLI",
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      cluster: { type: 'string', description: 'kind cluster name; default: <name> of the context kind-<name>, else kind' },
      network: { type: 'string', description: 'docker network of the nodes (default kind)' },
      powerOff: { enum: ['kill', 'pause'], description: 'kill: docker kill, a cut (default); pause: docker pause, a hang' },
      unit: { type: 'string', description: 'systemd unit in the node container for kill/stop/start' },
      process: { type: 'string', description: 'process name in the node container for kill/stop (start needs commands.start)' },
      docker: { type: 'string', description: 'docker CLI (default: docker on PATH)' },
      commandTimeout: { ...durationSchema, description: 'bound of one docker call (default 60s)' },
    },
  },
  make,
};
