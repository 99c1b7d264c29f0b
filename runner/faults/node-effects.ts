/**
 * Proof that a node fault took effect, seen from outside the node: a peer's connect, the
 * service's process state, the drive's free space, the running kernel. Each takes the
 * NodeDriver observation it needs; a driver without it cannot confirm the fault.
 */
import type { Context, JsonValue, NodeDriver, NodeGroups, Observation, PeerConnect } from '../core/contracts.js';
import { UnsupportedError } from '../core/errors.js';
import { formatSize } from '../core/units.js';

/** A SYN-ACK between nodes of one stand takes milliseconds; a second of silence is a drop. */
export const PEER_CONNECT_MS = 1_000;

type Observer = Exclude<keyof NodeDriver, 'kind' | 'list'>;

function observer<K extends Observer>(ctx: Context, op: K, what: string): NonNullable<NodeDriver[K]> {
  const d = ctx.stand.nodes;
  const fn = d?.[op];
  if (!d || typeof fn !== 'function') {
    throw new UnsupportedError(`confirming ${what}`, ctx.stand.name, `the ${d?.kind ?? 'stand\'s'} node driver has no ${op}() to observe it with`);
  }
  return (fn as (...a: unknown[]) => unknown).bind(d) as NonNullable<NodeDriver[K]>;
}

const said = (c: PeerConnect) => (c.result === 'timeout' ? `timed out after ${c.ms} ms (no SYN-ACK, no RST)` : c.result === 'open' ? `answered (open, ${c.ms} ms)` : `answered with RST (refused, ${c.ms} ms)`);

/** Power cut: no peer's connect to the node's service port is answered (neither SYN-ACK nor RST); a driver without networks may say it another way (powerState). */
export async function confirmPowerOff(node: string, ctx: Context): Promise<Observation> {
  const d = ctx.stand.nodes;
  if (!d?.peerConnect && d?.powerState) {
    const s = await d.powerState(node, ctx.signal);
    return { ok: s.off, value: `${node}: ${s.value}` };
  }
  const connect = observer(ctx, 'peerConnect', 'a power cut');
  const peers = d!.list().filter((n) => n !== node);
  if (!peers.length) throw new UnsupportedError('confirming a power cut', ctx.stand.name, 'no other node to connect from');
  const seen = await Promise.all(peers.map(async (p) => ({ p, c: await connect(p, node, PEER_CONNECT_MS, ctx.signal) })));
  const answered = seen.filter((r) => r.c.result !== 'timeout');
  if (answered.length) return { ok: false, value: `${node} still answers: connect from ${answered.map((r) => `${r.p} ${said(r.c)}`).join(', ')}` };
  return { ok: true, value: `connects from ${peers.join(', ')} to ${node}'s service port: none answered within ${PEER_CONNECT_MS} ms (no SYN-ACK, no RST)` };
}

/** Partition: every connect across groups is dropped, and inside each group traffic still flows. */
export async function confirmPartition(groups: NodeGroups, ctx: Context): Promise<Observation> {
  const connect = observer(ctx, 'peerConnect', 'a partition');
  const across: [string, string][] = [];
  for (const [i, g] of groups.entries()) for (const [j, h] of groups.entries()) if (i !== j) for (const a of g) for (const b of h) across.push([a, b]);
  const inside: [string, string][] = groups.flatMap((g) => g.slice(1).map((b): [string, string] => [g[0]!, b]));
  const look = (pairs: [string, string][]) => Promise.all(pairs.map(async ([a, b]) => ({ a, b, c: await connect(a, b, PEER_CONNECT_MS, ctx.signal) })));
  const [x, y] = await Promise.all([look(across), look(inside)]);
  const leaks = x.filter((r) => r.c.result !== 'timeout');
  // a group member that is down for another reason (powered off, paused) is silent too: one answer per group is enough
  const cutGroups = groups.filter((g) => g.length > 1 && !y.some((r) => g.includes(r.a) && r.c.result !== 'timeout'));
  const parts = [`${x.length - leaks.length}/${x.length} connects across groups dropped`];
  if (leaks.length) parts.push(`leaked: ${leaks.map((r) => `${r.a}->${r.b} ${said(r.c)}`).join(', ')}`);
  if (y.length) parts.push(`${y.filter((r) => r.c.result !== 'timeout').length}/${y.length} inside groups answered`);
  if (cutGroups.length) parts.push(`no traffic inside ${cutGroups.map((g) => `{${g.join(', ')}}`).join(', ')}`);
  return { ok: !leaks.length && !cutGroups.length, value: parts.join('; ') };
}

/** Pause: every storage process of the node is stopped (state T). */
export async function confirmPaused(node: string, ctx: Context): Promise<Observation> {
  const states = (await observer(ctx, 'serviceProcesses', 'a pause')(node, ctx.signal)).map((p) => p.state);
  const stopped = states.filter((s) => s === 'T' || s === 't').length;
  if (!states.length) return { ok: false, value: `no storage process runs on ${node}` };
  return { ok: stopped === states.length, value: `${stopped}/${states.length} storage processes on ${node} in state T (${states.join(' ')})` };
}

/**
 * The storage processes a kill or stop is about to end, recorded before it acts; [] when
 * the driver cannot tell (the proof then says so instead of the fault being refused).
 */
export async function serviceIdsBefore(node: string, ctx: Context): Promise<string[]> {
  const look = ctx.stand.nodes?.serviceProcesses;
  if (!look) return [];
  return (await look.call(ctx.stand.nodes, node, ctx.signal)).map((p) => p.id);
}

/**
 * Kill or stop: none of the processes that ran before it is alive now. A supervisor (the
 * kubelet, systemd) may already have started new ones: they have other ids, and are counted.
 */
export async function confirmServiceEnded(node: string, ctx: Context, recorded: JsonValue | undefined, what: string): Promise<Observation> {
  const before = Array.isArray(recorded) ? recorded.filter((id): id is string => typeof id === 'string') : [];
  const now = await observer(ctx, 'serviceProcesses', what)(node, ctx.signal);
  if (!before.length) return { ok: false, value: `no storage process ran on ${node} before the ${what}` };
  const left = now.filter((p) => before.includes(p.id) && p.state !== 'Z');
  const fresh = now.filter((p) => !before.includes(p.id)).length;
  if (left.length) return { ok: false, value: `${left.length}/${before.length} storage process(es) on ${node} still alive (${left.map((p) => p.id.split('@')[0]).join(', ')})` };
  return { ok: true, value: `${before.length}/${before.length} storage process(es) on ${node} gone${fresh ? `; ${fresh} new one(s) started since` : '; none runs'}` };
}

/**
 * Disk fill: the drive's free space is at or below what the target leaves. The storage
 * service keeps writing and deleting its own temporary files on the drive, so free space
 * moves by a little after the fill: FILL_SLACK of the drive (at least a block) is allowed.
 */
export const FILL_SLACK = 0.001;

export async function confirmFilled(node: string, drive: number, fraction: number, ctx: Context): Promise<Observation> {
  const { size, free } = await observer(ctx, 'driveSpace', 'a disk fill')(node, drive, ctx.signal);
  const target = size * (1 - fraction);
  const slack = Math.max(4096, size * FILL_SLACK);
  const over = free - target;
  return {
    ok: over <= slack,
    value: `drive ${drive + 1} of ${node}: ${formatSize(free)} free of ${formatSize(size)} (target at most ${formatSize(target)}${over > 0 ? `, ${formatSize(over)} over, ${formatSize(slack)} allowed` : ''})`,
  };
}

/** Kernel boot: the node reports running the new kernel. */
export async function confirmKernel(node: string, kernel: string, ctx: Context): Promise<Observation> {
  const running = await observer(ctx, 'runningKernel', 'a kernel boot')(node, ctx.signal);
  return { ok: running === kernel, value: `${node} runs ${running ?? 'nothing (down)'}${running === kernel ? '' : ` (want ${kernel})`}` };
}
