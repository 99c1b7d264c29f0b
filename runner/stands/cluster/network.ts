/**
 * The cluster stand's network: the local stand's bridge-and-namespaces shape under
 * its own names (../local/network.ts), forwarding and routes between the nodes' pod
 * ranges inside each node namespace, and a host nft table that keeps the API
 * server's bridge address to the bridge and loopback.
 */
import type { PlanePorts } from '../control-plane/components.js';
import { inNetns, run } from '../local/exec.js';
import { createBridge, createNodeNetwork } from '../local/network.js';
import { BRIDGE, BRIDGE_ADDRESS, GUARD_TABLE, type ClusterLayout } from './layout.js';

export async function createNetwork(l: ClusterLayout, ports: PlanePorts, signal: AbortSignal): Promise<void> {
  await createBridge(signal, BRIDGE, BRIDGE_ADDRESS);
  for (const n of l.nodes) {
    await createNodeNetwork(n, signal, BRIDGE);
    await inNetns(n.netns, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1'], signal);
    for (const m of l.nodes) if (m !== n) await inNetns(n.netns, 'ip', ['route', 'replace', m.podCidr, 'via', m.address], signal);
  }
  await guardApi(ports, signal);
}

/** Only the bridge and loopback may reach the API server on the bridge address. */
async function guardApi(p: PlanePorts, signal: AbortSignal): Promise<void> {
  await removeGuard(signal);
  const ports = String(p.apiserver);
  const script = `table inet ${GUARD_TABLE} {
  chain in { type filter hook input priority -10; policy accept; ip daddr ${BRIDGE_ADDRESS} tcp dport ${ports} iifname != { "lo", "${BRIDGE}" } drop; }
}
`;
  await run('nft', ['-f', '-'], signal, { input: script });
}

export async function hasGuard(signal: AbortSignal): Promise<boolean> {
  return (await run('nft', ['list', 'table', 'inet', GUARD_TABLE], signal, { allowFailure: true })).ok;
}

export async function removeGuard(signal: AbortSignal): Promise<boolean> {
  if (!(await hasGuard(signal))) return false;
  await run('nft', ['delete', 'table', 'inet', GUARD_TABLE], signal);
  return true;
}
