/** Node drivers for stand files (kwok, kind, ssh); the embedded stands bring their own. */
import type { Capability, KubeTarget, NodeDriver } from '../core/contracts.js';
import { FaultlineError } from '../core/errors.js';
import type { NodeSpec } from './index.js';

export interface NodeDriverInput {
  standName: string;
  kube?: KubeTarget;
}

export interface MadeNodeDriver {
  driver: NodeDriver;
  capabilities: Capability[];
}

type Factory = (spec: NodeSpec, input: NodeDriverInput) => MadeNodeDriver;

const factories = new Map<NodeSpec['driver'], Factory>([
]);

export function nodeDriverFor(spec: NodeSpec, input: NodeDriverInput): MadeNodeDriver {
  const f = factories.get(spec.driver);
  if (!f) throw new FaultlineError('stand-driver', `stand ${input.standName}: node driver "${spec.driver}" is not available`);
  return f(spec, input);
}
