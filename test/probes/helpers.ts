/** Shared by the probe and workload tests: contexts on the local stand, seeded buckets, drive watchers. */
import { readdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import type { Capability, Context, Stand, TimelineEvent, WorkloadHandle } from '../../runner/core/contracts.js';
import { send, withS3 } from '../../runner/s3/client.js';

export { useLocalStand } from '../stands/local/helpers.js';

export type TestContext = Context & { events: TimelineEvent[]; handles: Map<string, WorkloadHandle> };

export function ctxFor(stand: Stand, ms = 120_000): TestContext {
  const events: TimelineEvent[] = [];
  const handles = new Map<string, WorkloadHandle>();
  return {
    signal: AbortSignal.timeout(ms),
    stand,
    emit: (type, data) => events.push({ type, at: Date.now(), ...data }),
    workloads: { get: (n) => handles.get(n) },
    seed: 1,
    runId: `test-${Date.now().toString(36)}`,
    events,
    handles,
  };
}

/** A stand with no S3 or drives: enough for cmd and http probes. */
export function bareStand(extra: Partial<Stand> = {}): Stand {
  return {
    name: 'bare',
    driver: 'file',
    ref: 'test',
    protected: false,
    capabilities: new Set<Capability>(),
    unsupported: new Map(),
    close: async () => {},
    ...extra,
  };
}

export function uniqueBucket(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
}

export async function seedBucket(stand: Stand, bucket: string, objects: Record<string, string | Uint8Array>): Promise<void> {
  const signal = AbortSignal.timeout(60_000);
  await withS3(stand, {}, async (c) => {
    await send(c, new CreateBucketCommand({ Bucket: bucket }), signal).catch((e: Error) => {
      if (e.name !== 'BucketAlreadyOwnedByYou') throw e;
    });
    for (const [Key, Body] of Object.entries(objects)) await send(c, new PutObjectCommand({ Bucket: bucket, Key, Body }), signal);
  });
}

/** Deletes every object and the bucket; quiet when it is already gone. */
export async function dropBucket(stand: Stand, bucket: string): Promise<void> {
  const signal = AbortSignal.timeout(60_000);
  await withS3(stand, {}, async (c) => {
    try {
      for (;;) {
        const page = await send<ListObjectsV2CommandOutput>(c, new ListObjectsV2Command({ Bucket: bucket }), signal);
        for (const o of page.Contents ?? []) await send(c, new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }), signal);
        if (!page.IsTruncated) break;
      }
      await send(c, new DeleteBucketCommand({ Bucket: bucket }), signal);
    } catch {
      // gone already, or left for the stand's next down
    }
  });
}

/**
 * Polls every drive for entries starting with `prefix`; `stop()` says on how many drives it
 * ever saw one. Not "at once": one sweep of 16 drives can outlast the marker on a busy machine.
 */
export function watchDrives(stand: Stand, prefix: string, everyMs = 20): { stop(): Promise<number> } {
  const drives = Object.values(stand.drives ?? {}).flat();
  const seen = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const d of drives) {
        const names = await readdir(d).catch(() => [] as string[]);
        if (names.some((x) => x.startsWith(prefix))) seen.add(d);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return seen.size;
    },
  };
}

/** How many drives hold an entry starting with `prefix` right now. */
export async function drivesHolding(stand: Stand, prefix: string): Promise<number> {
  let n = 0;
  for (const d of Object.values(stand.drives ?? {}).flat()) {
    if ((await readdir(d).catch(() => [] as string[])).some((x) => x.startsWith(prefix))) n++;
  }
  return n;
}
