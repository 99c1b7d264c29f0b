/** The list of node drivers a stand file can name; the embedded stands bring their own. One folder per driver. */
import type { NodeDriverKind } from '../core/stand-kind.js';
import { sshDriver } from './ssh/index.js';
import { kindDriver } from './kind/index.js';
import { kwokDriver } from './kwok/node-driver.js';

export const nodeDriverList: readonly NodeDriverKind[] = [sshDriver, kindDriver, kwokDriver];
