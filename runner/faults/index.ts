/** The list of fault kinds. One file per fault; add it to the list below (runner/catalog.ts builds the catalog from it). */
import type { FaultDef } from '../core/contracts.js';
import podKill from './pod-kill.js';
import podsKillAll from './pods-kill-all.js';
import rolloutRestart from './rollout-restart.js';
import nodeCordon from './node-cordon.js';
import nodeDrain from './node-drain.js';
import scale from './scale.js';
import nodeKill from './node-kill.js';
import nodeStop from './node-stop.js';
import nodePause from './node-pause.js';
import nodePowerOff from './node-power-off.js';
import nodePartition from './node-partition.js';
import diskFill from './disk-fill.js';
import diskStaleStaging from './disk-stale-staging.js';
import nodeBootKernel from './node-boot-kernel.js';
import s3IndexDivergence from './s3-index-divergence.js';
import s3Versioning from './s3-versioning.js';
import k8sApply from './k8s-apply.js';

export const faultList: readonly FaultDef[] = [
  s3IndexDivergence, s3Versioning, // S3
  nodeKill, nodeStop, nodePause, nodePowerOff, nodePartition, diskFill, diskStaleStaging, nodeBootKernel, // nodes
  k8sApply, podKill, podsKillAll, rolloutRestart, nodeCordon, nodeDrain, scale, // Kubernetes
];
