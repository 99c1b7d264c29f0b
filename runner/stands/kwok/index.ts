/**
 * The embedded `kwok` stand kind: a real Kubernetes control plane (etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler) with kwok playing the kubelets of four nodes.
 * Pods are simulated; the API, controllers, scheduler, Evictions, PDBs and watches are
 * the real ones. Declared here, light on purpose; the work loads on first use.
 */
import type { StandKind } from '../../core/stand-kind.js';

const work = () => import('./stand.js');

export const kwokStand: StandKind = {
  name: 'kwok',
  summary: 'real Kubernetes 1.34 control plane with 4 kwok nodes (simulated pods) on loopback',
  options: { type: 'object', additionalProperties: false, properties: {} },
  up: async (_instance, _options, io) => (await work()).up(io),
  down: async (_instance, io) => (await work()).down(io),
  status: async (_instance, io) => (await work()).status(io),
  open: async (_instance, signal) => (await work()).open(signal),
};
