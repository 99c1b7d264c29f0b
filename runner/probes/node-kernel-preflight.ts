/** node.kernelPreflight: would booting `kernel` on `node` leave its storage without its module? (modinfo -k) */
import type { ProbeDef } from '../core/contracts.js';
import { UnsupportedError } from '../core/errors.js';

export interface KernelPreflightSpec {
  node: string;
  kernel: string;
  /** default zfs */
  module?: string;
  /** what the gate expects the preflight to say; default allowed */
  expect?: 'allowed' | 'refused';
}

const probe: ProbeDef<KernelPreflightSpec> = {
  kind: 'node.kernelPreflight',
  summary: 'check that a kernel has the storage module before a node may boot it (allowed) or that the preflight refuses it',
  requires: ['nodes', 'kernel'],
  schema: {
    type: 'object',
    required: ['node', 'kernel'],
    additionalProperties: false,
    properties: {
      node: { type: 'string', minLength: 1 },
      kernel: { type: 'string', minLength: 1 },
      module: { type: 'string', minLength: 1, default: 'zfs' },
      expect: { enum: ['allowed', 'refused'], default: 'allowed' },
    },
  },
  describe: (s) => `kernel preflight for ${s.kernel} on ${s.node} (module ${s.module ?? 'zfs'}) is ${s.expect ?? 'allowed'}`,
  async evaluate(s, ctx) {
    const d = ctx.stand.nodes;
    if (!d?.hasModule) throw new UnsupportedError('node.kernelPreflight', ctx.stand.name, `the ${d?.kind ?? 'stand'} node driver cannot check modules`);
    const module = s.module ?? 'zfs';
    const has = await d.hasModule(s.node, s.kernel, module, ctx.signal);
    const verdict = has ? 'allowed' : 'refused';
    const expect = s.expect ?? 'allowed';
    return {
      ok: verdict === expect,
      value: `kernel ${s.kernel} on ${s.node} ${has ? 'has' : 'lacks'} module ${module}: reboot ${verdict} (expected ${expect})`,
      data: { node: s.node, kernel: s.kernel, module, verdict },
    };
  },
};

export default probe;
