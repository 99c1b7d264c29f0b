/** The local stand's work: open the running stand, tear it down (up, status: up.ts, status.ts). */
import type { Capability, Stand } from '../../core/contracts.js';
import { FaultlineError } from '../../core/errors.js';
import type { StandIO } from '../../core/stand-kind.js';
import { describeRemoved, teardown } from './down.js';
import { LocalNodeDriver, LOOPBACK_DISK_REASON, LOOPBACK_NETWORK_REASON } from './driver.js';
import { healthPath, metricsPath } from './health.js';
import { REGION } from './layout.js';
import { isEmpty, isUp, presence } from './presence.js';
import { loadCredentials, withLock } from './state.js';
import { supportedView, type NodeOp } from '../command/view.js';

/** Loopback mode hands out only these, so faults refuse the rest in prepare (the full driver throws UnsupportedError). */
const LOOPBACK_OPS: NodeOp[] = ['kill', 'stop', 'start', 'pause', 'resume', 'bootKernel', 'setBootKernel', 'hasModule', 'serviceProcesses', 'runningKernel'];
import { up as bringUp, type LocalOptions } from './up.js';

export { status } from './status.js';

export async function open(signal: AbortSignal): Promise<Stand> {
  const p = await presence(signal);
  if (!p.state || !isUp(p)) {
    throw new FaultlineError('stand-not-up', 'the local stand is not up', {
      hint: isEmpty(p) ? 'faultline stand up local' : 'faultline stand down local, then faultline stand up local (leftovers of an earlier stand are on this machine)',
    });
  }
  const s = p.state;
  const credentials = await loadCredentials(s.credentialsFile);
  const netns = s.mode === 'netns';
  const capabilities = new Set<Capability>(['s3', 'nodes', 'kernel', 'metrics']);
  const unsupported = new Map<Capability, string>();
  if (netns) {
    capabilities.add('network');
    capabilities.add('disk');
  } else {
    unsupported.set('network', LOOPBACK_NETWORK_REASON);
    unsupported.set('disk', LOOPBACK_DISK_REASON);
  }
  unsupported.set('kubernetes', 'the local stand runs MinIO processes, not Kubernetes');
  const driver = new LocalNodeDriver(s, credentials);
  return {
    name: 'local',
    driver: 'local',
    ref: 'local',
    protected: false,
    capabilities,
    unsupported,
    s3: { endpoint: s.endpoint, region: REGION, credentials },
    nodes: netns ? driver : supportedView(driver, LOOPBACK_OPS),
    metricsUrl: `${s.endpoint}${metricsPath}`,
    healthUrl: `${s.endpoint}${healthPath}`,
    drives: Object.fromEntries(Object.entries(s.nodes).map(([name, r]) => [name, [...r.layout.drives]])),
    close: async () => {},
  };
}

export const up = (options: LocalOptions, io: StandIO): Promise<void> => withLock(io.signal, () => bringUp(options, io));

export const down = (io: StandIO): Promise<void> =>
  withLock(io.signal, async () => {
    const p = await presence(io.signal);
    if (isEmpty(p)) {
      io.log('local stand is not up; nothing to remove');
      return;
    }
    const started = Date.now();
    const removed = await teardown(io.signal, p);
    io.log(`local stand down in ${((Date.now() - started) / 1000).toFixed(1)} s: ${describeRemoved(removed)}`);
  });
