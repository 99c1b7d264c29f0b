/** `nodes.driver: kwok`: power via the node label kwok's manage selector excludes (see driver.ts). */
import type { NodeDriverKind } from '../../core/stand-kind.js';
import { FaultlineError } from '../../core/errors.js';
import { KWOK_REQUIREMENT, kwokNodeDriver } from './driver.js';

export const kwokDriver: NodeDriverKind = {
  driver: 'kwok',
  summary: 'kwok-simulated nodes of a Kubernetes stand; power off/on stops and resumes their heartbeats',
  options: { type: 'object', additionalProperties: false, properties: {} },
  make(spec, input) {
    if (!input.kube) {
      throw new FaultlineError('stand-driver', `stand ${input.standName}: the kwok node driver needs spec.kubernetes`, { hint: KWOK_REQUIREMENT });
    }
    return { driver: kwokNodeDriver(input.kube.kc, Object.keys(spec.hosts ?? {})), capabilities: ['nodes'] };
  },
};
