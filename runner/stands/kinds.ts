/** The list of stand kinds faultline starts itself. One folder per kind; add it to the list below. */
import type { StandKind } from '../core/stand-kind.js';
import { localStand } from './local/index.js';
import { kwokStand } from './kwok/index.js';
import { clusterStand } from './cluster/index.js';

export const standList: readonly StandKind[] = [localStand, kwokStand, clusterStand];
