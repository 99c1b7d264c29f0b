/** Node drivers for stand files (kwok, kind, ssh); the embedded stands bring their own. */
import type { Capability, KubeTarget, NodeDriver } from '../core/contracts.js';
import { FaultlineError } from '../core/errors.js';
import type { NodeSpec } from './index.js';
import { sshNodeDriver } from './ssh/index.js';
import { kindNodeDriver } from './kind/index.js';
import { KWOK_REQUIREMENT, kwokNodeDriver } from './kwok/driver.js';

export interface NodeDriverInput {
  standName: string;
  kube?: KubeTarget;
}

export interface MadeNodeDriver {
  driver: NodeDriver;
  capabilities: Capability[];
}

type Factory = (spec: NodeSpec, input: NodeDriverInput) => MadeNodeDriver;

/** kwok: power via the node label kwok's manage selector excludes (see kwok/driver.ts). */
function kwokFactory(spec: NodeSpec, input: NodeDriverInput): MadeNodeDriver {
  if (!input.kube) {
    throw new FaultlineError('stand-driver', `stand ${input.standName}: the kwok node driver needs spec.kubernetes`, { hint: KWOK_REQUIREMENT });
  }
  return { driver: kwokNodeDriver(input.kube.kc, Object.keys(spec.hosts ?? {})), capabilities: ['nodes'] };
}

const factories = new Map<NodeSpec['driver'], Factory>([
  ['ssh', sshNodeDriver],
  ['kind', kindNodeDriver],
  ['kwok', kwokFactory],
]);

export function nodeDriverFor(spec: NodeSpec, input: NodeDriverInput): MadeNodeDriver {
  const f = factories.get(spec.driver);
  if (!f) throw new FaultlineError('stand-driver', `stand ${input.standName}: node driver "${spec.driver}" is not available`);
  return f(spec, input);
}
