/** A local stand's work: open the running stand, tear it down (up, status: up.ts, status.ts). */
import type { Capability, Stand } from '../../core/contracts.js';
import { FaultlineError } from '../../core/errors.js';
import type { StandIO } from '../../core/stand-kind.js';
import { supportedView, type NodeOp } from '../command/view.js';
import { describeRemoved, teardown } from './down.js';
import { LocalNodeDriver, LOOPBACK_DISK_REASON, LOOPBACK_NETWORK_REASON } from './driver.js';
import { REGION, siteOf } from './layout.js';
import { isEmpty, isUp, presence } from './presence.js';
import { serverFor } from './service.js';
import { loadCredentials, withLock } from './state.js';
import { status as statusOf } from './status.js';
import { up as bringUp, type LocalOptions } from './up.js';

/** Loopback mode hands out only these, so faults refuse the rest in prepare (the full driver throws UnsupportedError). */
const LOOPBACK_OPS: NodeOp[] = ['kill', 'stop', 'start', 'pause', 'resume', 'bootKernel', 'setBootKernel', 'hasModule', 'serviceProcesses', 'runningKernel'];

export async function open(instance: string, signal: AbortSignal): Promise<Stand> {
  const site = siteOf(instance);
  const p = await presence(site, signal);
  if (!p.state || !isUp(p)) {
    throw new FaultlineError('stand-not-up', `the ${instance} stand is not up`, {
      hint: isEmpty(p) ? `faultline stand up ${instance}` : `faultline stand down ${instance}, then faultline stand up ${instance} (leftovers of an earlier stand are on this machine)`,
    });
  }
  const s = p.state;
  const server = serverFor(s);
  const credentials = await loadCredentials(s.credentialsFile);
  const netns = s.mode === 'netns';
  const capabilities = new Set<Capability>(['s3', 'nodes', 'kernel']);
  const unsupported = new Map<Capability, string>();
  if (server.metricsPath) capabilities.add('metrics');
  else unsupported.set('metrics', `the ${instance} stand's ${server.title} has no cluster metrics endpoint wired up`);
  if (netns) {
    capabilities.add('network');
    capabilities.add('disk');
  } else {
    unsupported.set('network', LOOPBACK_NETWORK_REASON);
    unsupported.set('disk', LOOPBACK_DISK_REASON);
  }
  unsupported.set('kubernetes', `the ${instance} stand runs ${server.title} processes, not Kubernetes`);
  const driver = new LocalNodeDriver(s, credentials);
  return {
    name: instance,
    driver: 'local',
    ref: instance,
    protected: false,
    capabilities,
    unsupported,
    s3: { endpoint: s.endpoint, region: REGION, credentials },
    nodes: netns ? driver : supportedView(driver, LOOPBACK_OPS),
    metricsUrl: server.metricsPath ? `${s.endpoint}${server.metricsPath}` : undefined,
    healthUrl: `${s.endpoint}${server.healthPath}`,
    drives: Object.fromEntries(Object.entries(s.nodes).map(([n, r]) => [n, [...r.layout.drives]])),
    storage: { server: server.name, systemFolder: server.systemFolder, adminProbes: server.adminProbes },
    close: async () => {},
  };
}

export const up = (instance: string, options: LocalOptions, io: StandIO): Promise<void> => {
  const site = siteOf(instance);
  return withLock(site, io.signal, () => bringUp(site, options, io));
};

export const status = (instance: string, io: StandIO) => statusOf(siteOf(instance), io);

export const down = (instance: string, io: StandIO): Promise<void> => {
  const site = siteOf(instance);
  return withLock(site, io.signal, async () => {
    const p = await presence(site, io.signal);
    if (isEmpty(p)) {
      io.log(`${instance} stand is not up; nothing to remove`);
      return;
    }
    const started = Date.now();
    const removed = await teardown(site, io.signal, p);
    io.log(`${instance} stand down in ${((Date.now() - started) / 1000).toFixed(1)} s: ${describeRemoved(removed)}`);
  });
};
