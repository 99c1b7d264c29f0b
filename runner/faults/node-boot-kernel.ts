/**
 * node.bootKernel: reboot a node into another kernel (the May 11 incident: a kernel whose
 * module set lacks the storage module). A preflight in prepare refuses a kernel without
 * the module unless `force: true`. Undo: boot the previous default kernel again.
 */
import type { FaultDef } from '../core/contracts.js';
import { RefusedError } from '../core/errors.js';
import { checkNodes, nodeDriver, nodeNameSchema } from './node-common.js';
import { confirmKernel } from './node-effects.js';

export interface NodeBootKernelSpec {
  node: string;
  kernel: string;
  /** the storage module the kernel must have; default zfs */
  module?: string;
  /** inject the mismatch on purpose */
  force?: boolean;
}
type Undo = { node: string; kernel: string; previous: string; module: string; moduleMissing: boolean };

const fault: FaultDef<NodeBootKernelSpec, Undo> = {
  kind: 'node.bootKernel',
  summary: 'reboot a node into another kernel; refuses one without the storage module unless forced; undo boots the previous kernel',
  requires: ['nodes', 'kernel'],
  schema: {
    type: 'object',
    required: ['node', 'kernel'],
    additionalProperties: false,
    properties: {
      node: nodeNameSchema,
      kernel: { type: 'string', minLength: 1, description: 'kernel id, as in /lib/modules/<kernel>' },
      module: { type: 'string', minLength: 1, default: 'zfs', description: 'module the storage service needs' },
      force: { type: 'boolean', default: false, description: 'boot it even when the preflight refuses' },
    },
  },
  describe: (s) => `reboot ${s.node} into kernel ${s.kernel}${s.force ? ' (forced past the preflight)' : ''}`,
  footprint: (s) => ({ nodesDown: [s.node] }),
  async prepare(s, ctx) {
    const d = nodeDriver(ctx, 'node.bootKernel', ['bootKernel', 'setBootKernel', 'hasModule'], 'kernel');
    checkNodes(d, 'node.bootKernel', [s.node]);
    const module = s.module ?? 'zfs';
    const previous = await d.bootKernel!(s.node, ctx.signal);
    const has = await d.hasModule!(s.node, s.kernel, module, ctx.signal);
    if (!has && !s.force) {
      // A refused preflight is a verdict about the stand, like a failed gate.
      throw new RefusedError(
        'preflight-refused',
        `preflight refused: kernel ${s.kernel} on ${s.node} has no ${module} module, so its storage would not start after the reboot`,
        `install the ${module} module for ${s.kernel} first, or set force: true to inject the mismatch on purpose`,
      );
    }
    return { node: s.node, kernel: s.kernel, previous, module, moduleMissing: !has };
  },
  async inject(_s, undo, ctx) {
    if (undo.moduleMissing) ctx.emit('node.bootKernel.forced', { node: undo.node, kernel: undo.kernel, module: undo.module });
    await nodeDriver(ctx, 'node.bootKernel', ['setBootKernel'], 'kernel').setBootKernel!(undo.node, undo.kernel, ctx.signal);
    return { node: undo.node, kernel: undo.kernel, previous: undo.previous, moduleMissing: undo.moduleMissing };
  },
  async revert(undo, ctx) {
    await nodeDriver(ctx, 'node.bootKernel', ['setBootKernel'], 'kernel').setBootKernel!(undo.node, undo.previous, ctx.signal);
  },
  confirm: (_s, undo, _i, ctx) => confirmKernel(undo.node, undo.kernel, ctx),
};

export default fault;
