/** node.partition: drop traffic between groups of nodes (both directions); undo: heal the same groups. */
import type { FaultDef } from '../core/contracts.js';
import { FaultlineError, ExitCode } from '../core/errors.js';
import { checkNodes, nodeDriver, nodeNameSchema } from './node-common.js';
import { confirmPartition } from './node-effects.js';

/** `groups`: nodes in different groups cannot talk; nodes in no group are untouched.
 *  `isolate: node3` is short for `groups: [[node3], [every other node]]`. */
export interface NodePartitionSpec {
  groups?: string[][];
  isolate?: string;
}
type Undo = { groups: string[][] };

const fault: FaultDef<NodePartitionSpec, Undo> = {
  kind: 'node.partition',
  summary: 'partition the network between groups of nodes; undo heals it',
  requires: ['nodes', 'network'],
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      groups: {
        type: 'array',
        minItems: 2,
        items: { type: 'array', minItems: 1, items: nodeNameSchema },
        description: 'nodes in different groups cannot reach each other',
      },
      isolate: { ...nodeNameSchema, description: 'cut this node off from every other node' },
    },
    oneOf: [{ required: ['groups'] }, { required: ['isolate'] }],
  },
  describe: (s) =>
    s.isolate ? `isolate ${s.isolate} from the other nodes` : `partition nodes into ${(s.groups ?? []).map((g) => `{${g.join(', ')}}`).join(' | ')}`,
  // a node cut off from the largest group is down for the cluster
  footprint(s) {
    if (s.isolate) return { nodesDown: [s.isolate] };
    const groups = [...(s.groups ?? [])].sort((a, b) => b.length - a.length);
    return { nodesDown: groups.slice(1).flat(), nodes: groups[0] ?? [] };
  },
  async prepare(s, ctx) {
    const d = nodeDriver(ctx, 'node.partition', ['partition', 'heal'], 'network');
    const groups = s.isolate ? [[s.isolate], d.list().filter((n) => n !== s.isolate)] : (s.groups ?? []);
    const all = groups.flat();
    checkNodes(d, 'node.partition', all);
    const twice = all.filter((n, i) => all.indexOf(n) !== i);
    if (twice.length) throw new FaultlineError('partition-groups', `node.partition: ${twice.join(', ')} in more than one group`, { exitCode: ExitCode.invalidInput });
    if (groups.filter((g) => g.length).length < 2) {
      throw new FaultlineError('partition-groups', 'node.partition: needs at least two non-empty groups', { exitCode: ExitCode.invalidInput });
    }
    return { groups };
  },
  async inject(_s, undo, ctx) {
    await nodeDriver(ctx, 'node.partition', ['partition'], 'network').partition!(undo.groups, ctx.signal);
    return { groups: undo.groups };
  },
  async revert(undo, ctx) {
    await nodeDriver(ctx, 'node.partition', ['heal'], 'network').heal!(undo.groups, ctx.signal);
  },
  confirm: (_s, undo, _i, ctx) => confirmPartition(undo.groups, ctx),
};

export default fault;
