/**
 * What a bucket looks like on a stand's drives: its directory `<drive>/<bucket>` and its
 * metadata directory `<drive>/<sys>/buckets/<bucket>` (MinIO: .minio.sys, RustFS: .rustfs.sys).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stand } from '../core/contracts.js';
import { UnsupportedError } from '../core/errors.js';

export type SysDir = '.minio.sys' | '.rustfs.sys';

export interface DriveMarkers {
  node: string;
  drive: string;
  /** `<drive>/<bucket>` is a directory */
  bucketDir: boolean;
  /** `<drive>/<sys>/buckets/<bucket>` exists */
  sysDir: boolean;
}

export interface MarkerSummary {
  drives: number;
  /** drives holding both markers */
  both: number;
  bucketDirOnly: number;
  sysDirOnly: number;
  /** nodes with at least one drive holding both markers */
  nodes: string[];
}

/** The stand's drives, or an error saying why a drive-level check cannot run. */
export function standDrives(stand: Stand, what: string): Readonly<Record<string, string[]>> {
  const drives = stand.drives;
  if (!drives || !Object.values(drives).some((d) => d.length)) {
    throw new UnsupportedError(what, stand.name, 'the stand exposes no drive paths');
  }
  return drives;
}

/**
 * The metadata folder to look for on the drives: the one a scenario names, else the stand's
 * server's own (MinIO .minio.sys, RustFS .rustfs.sys). A server that keeps none on its drives
 * (SeaweedFS holds buckets in its filer) has no markers to compare: the check is unsupported.
 */
export function systemFolderOf(stand: Stand, given: SysDir | undefined, what: string): SysDir {
  if (given) return given;
  const storage = stand.storage;
  if (!storage) return '.minio.sys';
  if (!storage.systemFolder) {
    throw new UnsupportedError(what, stand.name, `${storage.server} keeps no metadata folder on its drives, so there are no per-drive bucket markers to compare`);
  }
  return storage.systemFolder as SysDir;
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export function bucketDirPath(drive: string, bucket: string): string {
  return join(drive, bucket);
}

export function sysDirPath(drive: string, bucket: string, sys: SysDir = '.minio.sys'): string {
  return join(drive, sys, 'buckets', bucket);
}

/** Looks at every drive of every node (local paths). Checks the signal between drives. */
export async function bucketMarkers(
  drives: Readonly<Record<string, string[]>>,
  bucket: string,
  signal: AbortSignal,
  sys: SysDir = '.minio.sys',
): Promise<DriveMarkers[]> {
  const out: DriveMarkers[] = [];
  for (const [node, paths] of Object.entries(drives)) {
    for (const drive of paths) {
      signal.throwIfAborted();
      const [bucketDir, sysDir] = await Promise.all([isDir(bucketDirPath(drive, bucket)), isDir(sysDirPath(drive, bucket, sys))]);
      out.push({ node, drive, bucketDir, sysDir });
    }
  }
  return out;
}

export function summarizeMarkers(markers: DriveMarkers[]): MarkerSummary {
  const both = markers.filter((m) => m.bucketDir && m.sysDir);
  return {
    drives: markers.length,
    both: both.length,
    bucketDirOnly: markers.filter((m) => m.bucketDir && !m.sysDir).length,
    sysDirOnly: markers.filter((m) => !m.bucketDir && m.sysDir).length,
    nodes: [...new Set(both.map((m) => m.node))],
  };
}

/** "12/16 drives (node1, node2, node3)" */
export function describeMarkers(s: MarkerSummary): string {
  return `${s.both}/${s.drives} drives${s.nodes.length && s.both < s.drives ? ` (${s.nodes.join(', ')})` : ''}`;
}
