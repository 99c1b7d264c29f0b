/**
 * The storage servers a local stand can run (`--server`), one file each (shaped by
 * server.ts); adding one is its file and a line in `serverList` below.
 */
import { FaultlineError } from '../../../core/errors.js';
import type { ServerName, StorageServer } from './server.js';
import { minio } from './minio.js';
import { rustfs } from './rustfs.js';
import { seaweedfs } from './seaweedfs.js';

export type { ServerName, StorageServer } from './server.js';

/** The first is the default. */
export const serverList: readonly StorageServer[] = [minio, seaweedfs, rustfs];

export const serverNames = (): ServerName[] => serverList.map((s) => s.name);

export function isServerName(name: string): boolean {
  return serverList.some((s) => s.name === name);
}

export function storageServer(name: ServerName): StorageServer {
  const server = serverList.find((s) => s.name === name);
  if (!server) throw new FaultlineError('stand-server', `the local stand runs no server "${name}"`, { hint: `servers: ${serverNames().join(', ')}` });
  return server;
}
