/**
 * The embedded `cluster` stand kind: a real Kubernetes 1.34 cluster on this machine. The
 * control plane of the kwok stand, four nodes each in its own network namespace with its
 * own containerd and kubelet, and the S3 service as a 4 x 4 erasure-coded MinIO
 * StatefulSet. A pod kill kills a real server process, a drain evicts real pods, a power
 * cut takes a real kubelet and everything on it down. Declared here, light on purpose;
 * the work loads on first use.
 */
import type { StandKind } from '../../core/stand-kind.js';
import { sizeSchema } from '../../spec/fragments.js';
import type { ClusterOptions } from './up.js';

const work = () => import('./stand.js');

export const clusterStand: StandKind = {
  name: 'cluster',
  summary: 'real Kubernetes 1.34: 4 nodes (network namespace, containerd, kubelet each) running MinIO 4x4 as a StatefulSet',
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      driveSize: { ...sizeSchema, type: 'string', default: '1GiB', description: "size of each node's tmpfs drives, at least 64MiB" },
    },
  },
  up: async (_instance, options, io) => (await work()).up(options as ClusterOptions, io),
  down: async (_instance, io) => (await work()).down(io),
  status: async (_instance, io) => (await work()).status(io),
  open: async (_instance, signal) => (await work()).open(signal),
};
