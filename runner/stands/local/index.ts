/**
 * The embedded `local` stand kind: 4 nodes x 4 drives of a storage server (servers/), one
 * network namespace and tmpfs drives per node, on this machine. Instances `local-<name>`
 * get their own namespaces, bridge, subnet and state. Declared here, light on purpose (the
 * server list is plain data); the work loads on first use.
 */
import type { StandKind } from '../../core/stand-kind.js';
import { sizeSchema } from '../../spec/fragments.js';
import { serverList } from './servers/index.js';
import type { LocalOptions } from './up.js';

const work = () => import('./stand.js');

export const localStand: StandKind = {
  name: 'local',
  summary: `4 nodes x 4 drives of ${serverList.map((s) => s.title).join(', ')} (--server), erasure-coded, one network namespace and tmpfs drives per node; local-<name> is another one beside it`,
  instances: true,
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      server: {
        enum: serverList.map((s) => s.name),
        'x-message': `must be one of ${serverList.map((s) => s.name).join(', ')}`,
        description: `the storage server: ${serverList.map((s) => `${s.name} (${s.summary})`).join('; ')}. Default: the instance's suffix when it names one (local-seaweedfs), else ${serverList[0]!.name}`,
      },
      loopback: { type: 'boolean', description: 'loopback-only mode without network namespaces (network and disk faults unsupported; MinIO only)' },
      driveSize: { ...sizeSchema, type: 'string', default: '1GiB', description: 'size of each tmpfs drive, at least 64MiB' },
      minioDefaults: {
        type: 'boolean',
        description: "keep MinIO's stock peer timeouts (default: fast dead-peer detection, 3 s TCP user timeout, 5 s drive timeout)",
      },
    },
  },
  up: async (instance, options, io) => (await work()).up(instance, options as LocalOptions, io),
  down: async (instance, io) => (await work()).down(instance, io),
  status: async (instance, io) => (await work()).status(instance, io),
  open: async (instance, signal) => (await work()).open(instance, signal),
};
