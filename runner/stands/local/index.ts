/**
 * The embedded `local` stand kind: MinIO 4 nodes x 4 drives in network namespaces on
 * this machine. Declared here, light on purpose; the work loads on first use.
 */
import type { StandKind } from '../../core/stand-kind.js';
import { sizeSchema } from '../../spec/fragments.js';
import type { LocalOptions } from './up.js';

const work = () => import('./stand.js');

export const localStand: StandKind = {
  name: 'local',
  summary: 'MinIO 4 nodes x 4 drives, erasure-coded, one network namespace and tmpfs drives per node',
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      loopback: { type: 'boolean', description: 'loopback-only mode without network namespaces (network and disk faults unsupported)' },
      driveSize: { ...sizeSchema, type: 'string', default: '1GiB', description: 'size of each tmpfs drive, at least 64MiB' },
      minioDefaults: {
        type: 'boolean',
        description: "keep MinIO's stock peer timeouts (default: fast dead-peer detection, 3 s TCP user timeout, 5 s drive timeout)",
      },
    },
  },
  up: async (_instance, options, io) => (await work()).up(options as LocalOptions, io),
  down: async (_instance, io) => (await work()).down(io),
  status: async (_instance, io) => (await work()).status(io),
  open: async (_instance, signal) => (await work()).open(signal),
};
