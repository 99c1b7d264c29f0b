/** `nodes.driver: kind`: the driver plus the capabilities it gives the stand. */
import type { Capability } from '../../core/contracts.js';
import type { MadeNodeDriver, NodeDriverInput } from '../node-drivers.js';
import type { NodeSpec } from '../index.js';
import { supportedView, type NodeOp } from '../command/view.js';
import { readKindConfig } from './config.js';
import { KindNodeDriver } from './driver.js';

export function kindNodeDriver(spec: NodeSpec, input: NodeDriverInput): MadeNodeDriver {
  const driver = new KindNodeDriver(readKindConfig(spec, input.standName, input.kube));
  const ops: NodeOp[] = ['powerOff', 'powerOn', 'pause', 'resume', 'partition', 'heal', 'fillDisk', 'fillPath', 'clearFill'];
  if (driver.has('start')) {
    ops.push('start');
    if (driver.has('kill')) ops.push('kill');
    if (driver.has('stop')) ops.push('stop');
  }
  const caps: Capability[] = ['nodes', 'network', 'disk'];
  return { driver: supportedView(driver, ops), capabilities: caps };
}
