/** The embedded local stands: 4 nodes x 4 drives of a storage server, in network namespaces on this machine. */
import type { Capability, Stand } from '../../core/contracts.js';
import { FaultlineError } from '../../core/errors.js';
import type { EmbeddedStand } from '../embedded.js';
import { supportedView, type NodeOp } from '../command/view.js';
import { describeRemoved, teardown } from './down.js';
import { LocalNodeDriver, LOOPBACK_DISK_REASON, LOOPBACK_NETWORK_REASON } from './driver.js';
import { DEFAULT_NAME, REGION, siteOf, type Site } from './layout.js';
export { isLocalStandName } from './layout.js';
import { isEmpty, isUp, presence } from './presence.js';
import { serverFor } from './service.js';
import { loadCredentials, withLock } from './state.js';
import { status } from './status.js';
import { up } from './up.js';

/** Loopback mode hands out only these, so faults refuse the rest in prepare (the full driver throws UnsupportedError). */
const LOOPBACK_OPS: NodeOp[] = ['kill', 'stop', 'start', 'pause', 'resume', 'bootKernel', 'setBootKernel', 'hasModule'];

async function open(site: Site, signal: AbortSignal): Promise<Stand> {
  const p = await presence(site, signal);
  const name = site.name;
  if (!p.state || !isUp(p)) {
    throw new FaultlineError('stand-not-up', `the ${name} stand is not up`, {
      hint: isEmpty(p)
        ? `faultline stand up local${name === DEFAULT_NAME ? '' : ` --name ${name}`}`
        : `faultline stand down ${name}, then bring it up again (leftovers of an earlier stand are on this machine)`,
    });
  }
  const s = p.state;
  const server = serverFor(s);
  const credentials = await loadCredentials(s.credentialsFile);
  const netns = s.mode === 'netns';
  const capabilities = new Set<Capability>(['s3', 'nodes', 'kernel']);
  const unsupported = new Map<Capability, string>();
  if (server.metricsPath) capabilities.add('metrics');
  else unsupported.set('metrics', `the ${name} stand's ${server.title} has no cluster metrics endpoint wired up`);
  if (netns) {
    capabilities.add('network');
    capabilities.add('disk');
  } else {
    unsupported.set('network', LOOPBACK_NETWORK_REASON);
    unsupported.set('disk', LOOPBACK_DISK_REASON);
  }
  unsupported.set('kubernetes', `the ${name} stand runs ${server.title} processes, not Kubernetes`);
  const driver = new LocalNodeDriver(s, credentials);
  return {
    name,
    driver: 'local',
    ref: name,
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

/** The local stand called `name` (`local`, or `local-<anything>` with its own names and subnet). */
export function localStandFor(name: string): EmbeddedStand {
  const site = siteOf(name);
  return {
    name,
    summary: '4 nodes x 4 drives of MinIO (default), SeaweedFS or RustFS (--server), one network namespace and tmpfs drives per node',
    up: (options, io) => withLock(site, io.signal, () => up(site, options, io)),
    down: (io) =>
      withLock(site, io.signal, async () => {
        const p = await presence(site, io.signal);
        if (isEmpty(p)) {
          io.log(`${name} stand is not up; nothing to remove`);
          return;
        }
        const started = Date.now();
        const removed = await teardown(site, io.signal, p);
        io.log(`${name} stand down in ${((Date.now() - started) / 1000).toFixed(1)} s: ${describeRemoved(removed)}`);
      }),
    status: (io) => status(site, io),
    open: (signal) => open(site, signal),
  };
}

export const localStand: EmbeddedStand = localStandFor(DEFAULT_NAME);
