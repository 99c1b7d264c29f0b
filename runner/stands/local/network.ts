/**
 * The stand's network: a bridge on the host, one namespace per node joined to it by a
 * veth pair, and nft tables inside the node namespaces for power-off and partitions.
 */
import { readdir, stat } from 'node:fs/promises';
import { PARTITION_TABLE, POWER_TABLE, type NodeLayout } from './layout.js';
import { FaultlineError } from '../../core/errors.js';
import type { PeerConnect } from '../../core/contracts.js';
import { inNetns, run } from './exec.js';

export async function linkExists(name: string, signal: AbortSignal): Promise<boolean> {
  return (await run('ip', ['link', 'show', 'dev', name], signal, { allowFailure: true })).ok;
}

export async function netnsExists(name: string): Promise<boolean> {
  return stat(`/run/netns/${name}`).then(
    () => true,
    () => false,
  );
}

/** Namespaces on the system that belong to the stand, by name (`re`: another stand's names). */
export async function standNetns(re: RegExp): Promise<string[]> {
  const names = await readdir('/run/netns').catch(() => [] as string[]);
  return names.filter((n) => re.test(n)).sort();
}

/** Host-side veth ends left behind (normally they vanish with their namespace). */
export async function standVeths(signal: AbortSignal, re: RegExp): Promise<string[]> {
  const r = await run('ip', ['-o', 'link', 'show'], signal, { allowFailure: true });
  return r.stdout
    .split('\n')
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1])
    .filter((n): n is string => !!n && re.test(n));
}

export async function createBridge(signal: AbortSignal, bridge: string, address: string): Promise<void> {
  if (!(await linkExists(bridge, signal))) await run('ip', ['link', 'add', bridge, 'type', 'bridge'], signal);
  await run('ip', ['addr', 'replace', `${address}/24`, 'dev', bridge], signal);
  await run('ip', ['link', 'set', bridge, 'up'], signal);
}

export async function createNodeNetwork(n: Pick<NodeLayout, 'netns' | 'veth' | 'address'>, signal: AbortSignal, bridge: string): Promise<void> {
  const ns = n.netns!;
  const veth = n.veth!;
  if (!(await netnsExists(ns))) await run('ip', ['netns', 'add', ns], signal);
  if (!(await linkExists(veth, signal))) {
    await run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns], signal);
  }
  await run('ip', ['link', 'set', veth, 'master', bridge, 'up'], signal);
  await run('ip', ['-n', ns, 'addr', 'replace', `${n.address}/24`, 'dev', 'eth0'], signal);
  await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up'], signal);
  await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up'], signal);
}

export async function deleteNetns(name: string, signal: AbortSignal): Promise<void> {
  if (await netnsExists(name)) await run('ip', ['netns', 'del', name], signal);
}

/** Deletes a link if it is there; true when it was. */
export async function deleteLink(name: string, signal: AbortSignal): Promise<boolean> {
  if (!(await linkExists(name, signal))) return false;
  const r = await run('ip', ['link', 'del', name], signal, { allowFailure: true });
  if (r.ok) return true;
  // A veth end vanishes by itself shortly after its namespace is deleted.
  if (!(await linkExists(name, signal))) return false;
  throw new FaultlineError('local-command', `ip link del ${name}: ${r.stderr}`);
}

async function tableExists(ns: string, table: string, signal: AbortSignal): Promise<boolean> {
  return (await inNetns(ns, 'nft', ['list', 'table', 'inet', table], signal, { allowFailure: true })).ok;
}

/** nft tables in a node namespace (for status and tests). */
export async function netnsTables(ns: string, signal: AbortSignal): Promise<string[]> {
  const r = await inNetns(ns, 'nft', ['list', 'tables'], signal, { allowFailure: true });
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/**
 * Drops every packet in and out of the namespace, loopback included, at a priority
 * ahead of everything else: the node goes silent, peers get neither FIN nor RST.
 */
export async function dropAll(ns: string, signal: AbortSignal): Promise<void> {
  if (await tableExists(ns, POWER_TABLE, signal)) return;
  const script = `table inet ${POWER_TABLE} {
  chain in { type filter hook input priority -400; policy drop; }
  chain out { type filter hook output priority -400; policy drop; }
}
`;
  await inNetns(ns, 'nft', ['-f', '-'], signal, { input: script });
}

export async function liftDrop(ns: string, signal: AbortSignal): Promise<void> {
  if (await tableExists(ns, POWER_TABLE, signal)) await inNetns(ns, 'nft', ['delete', 'table', 'inet', POWER_TABLE], signal);
}

export async function isDropping(ns: string, signal: AbortSignal): Promise<boolean> {
  return tableExists(ns, POWER_TABLE, signal);
}

/** Addresses this namespace currently refuses to talk to. */
export async function blockedPeers(ns: string, signal: AbortSignal): Promise<string[]> {
  const r = await inNetns(ns, 'nft', ['-j', 'list', 'set', 'inet', PARTITION_TABLE, 'blocked'], signal, { allowFailure: true });
  if (!r.ok) return [];
  const doc = JSON.parse(r.stdout) as { nftables: { set?: { elem?: string[] } }[] };
  return doc.nftables.flatMap((o) => o.set?.elem ?? []).sort();
}

/** Drops traffic between this namespace and `peers`, in both directions. */
export async function blockPeers(ns: string, peers: string[], signal: AbortSignal): Promise<void> {
  if (!peers.length) return;
  if (!(await tableExists(ns, PARTITION_TABLE, signal))) {
    const script = `table inet ${PARTITION_TABLE} {
  set blocked { type ipv4_addr; }
  chain in { type filter hook input priority -300; policy accept; ip saddr @blocked drop; }
  chain out { type filter hook output priority -300; policy accept; ip daddr @blocked drop; }
}
`;
    await inNetns(ns, 'nft', ['-f', '-'], signal, { input: script });
  }
  // `add element` is a no-op for elements already there, so repeating it is safe.
  await inNetns(ns, 'nft', ['add', 'element', 'inet', PARTITION_TABLE, 'blocked', `{ ${peers.join(', ')} }`], signal);
}

export async function unblockPeers(ns: string, peers: string[], signal: AbortSignal): Promise<void> {
  const present = new Set(await blockedPeers(ns, signal));
  const gone = peers.filter((p) => present.has(p));
  if (gone.length) {
    await inNetns(ns, 'nft', ['delete', 'element', 'inet', PARTITION_TABLE, 'blocked', `{ ${gone.join(', ')} }`], signal);
  }
  // Leave no empty table behind once the last partition is healed.
  if (present.size === gone.length && (await tableExists(ns, PARTITION_TABLE, signal))) {
    await inNetns(ns, 'nft', ['delete', 'table', 'inet', PARTITION_TABLE], signal);
  }
}

/**
 * A TCP connect from inside namespace `ns` to address:port, as a peer dials it (bash's
 * /dev/tcp). A SYN the namespace's own filter drops fails at once with EPERM: that counts
 * as a timeout (dropped, no RST), like a SYN that gets no answer.
 */
export async function connectFrom(ns: string, address: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<PeerConnect> {
  const t0 = Date.now();
  const r = await inNetns(ns, 'timeout', [(timeoutMs / 1000).toFixed(3), 'bash', '-c', 'exec 3<>"/dev/tcp/$0/$1"', address, String(port)], signal, {
    allowFailure: true,
    timeout: timeoutMs + 5_000,
  });
  const ms = Date.now() - t0;
  if (r.ok) return { result: 'open', ms };
  if (/Connection refused/i.test(r.stderr)) return { result: 'refused', ms };
  if (/Operation not permitted/i.test(r.stderr) || ms >= timeoutMs - 50) return { result: 'timeout', ms };
  throw new FaultlineError('peer-connect', `connect from ${ns} to ${address}:${port}: ${r.stderr || 'failed'}`);
}
