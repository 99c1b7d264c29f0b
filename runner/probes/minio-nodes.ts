/**
 * minio.nodes: how many of the cluster's nodes MinIO itself counts online/offline right
 * now, from the admin ServerInfo API, which asks every peer live. (MinIO's
 * nodes_offline metrics are cached for a minute, too coarse for "dead peer detected
 * within 8 s".) The request is signed with the stand's credentials; nothing of them is shown.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '../s3/sdk.js';
import type { Context, ProbeDef } from '../core/contracts.js';
import { deadline } from '../core/abort.js';
import { FaultlineError, UnsupportedError } from '../core/errors.js';
import { formatDuration, mustDuration } from '../core/units.js';
import { describeExpect, expectHolds, expectSchema, type Expect } from '../measure/expect.js';
import { durationSchema } from '../spec/fragments.js';

export interface NodesSpec {
  /** expectation on the number of offline nodes, e.g. { ge: 1 } or { eq: 0 } */
  offline: Expect;
  timeout?: string;
}

function bytes(d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof d === 'string') return d;
  return ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);
}

/** sha256 / HMAC-sha256 in the shape the signer wants */
class NodeSha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

interface ServerInfo {
  servers?: { endpoint?: string; state?: string }[];
}

async function serverInfo(ctx: Context, timeoutMs: number): Promise<ServerInfo> {
  const storage = ctx.stand.storage;
  if (storage && !storage.adminProbes.includes('minio.nodes')) {
    throw new UnsupportedError('minio.nodes', ctx.stand.name, `it runs ${storage.server}, which has no MinIO admin API (ServerInfo)`);
  }
  const s3 = ctx.stand.s3;
  if (!s3?.credentials) throw new UnsupportedError('minio.nodes', ctx.stand.name, 'needs the stand\'s S3 endpoint and credentials');
  const url = new URL('/minio/admin/v3/info', s3.endpoint);
  const signer = new SignatureV4({ credentials: s3.credentials, region: s3.region, service: 's3', sha256: NodeSha256 });
  const signed = await signer.sign({
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: {},
    headers: { host: url.host, 'x-amz-content-sha256': createHash('sha256').update('').digest('hex') },
  });
  const res = await fetch(url, { headers: signed.headers as Record<string, string>, signal: deadline(ctx.signal, timeoutMs) });
  const text = await res.text();
  if (!res.ok) throw new FaultlineError('minio-admin', `admin info answered HTTP ${res.status}`);
  return JSON.parse(text) as ServerInfo;
}

const probe: ProbeDef<NodesSpec> = {
  kind: 'minio.nodes',
  summary: 'nodes MinIO counts online/offline now (admin ServerInfo, asked live)',
  requires: ['s3'],
  schema: {
    type: 'object',
    required: ['offline'],
    additionalProperties: false,
    properties: { offline: expectSchema, timeout: durationSchema },
  },
  describe: (s) => `MinIO counts offline nodes ${describeExpect(s.offline)}`,
  async evaluate(s, ctx) {
    const timeoutMs = s.timeout ? mustDuration(s.timeout) : 10_000;
    const t0 = performance.now();
    let info: ServerInfo;
    try {
      info = await serverInfo(ctx, timeoutMs);
    } catch (err) {
      ctx.signal.throwIfAborted();
      if (err instanceof UnsupportedError) throw err;
      return { ok: false, value: `admin info did not answer: ${err instanceof Error ? err.message : String(err)}` };
    }
    const servers = info.servers ?? [];
    const offline = servers.filter((x) => x.state !== 'online').map((x) => x.endpoint ?? '?');
    const ms = performance.now() - t0;
    return {
      ok: expectHolds(s.offline, offline.length),
      value: `${offline.length}/${servers.length} nodes offline${offline.length ? ` (${offline.join(', ')})` : ''}, answered in ${formatDuration(ms)}`,
      data: { offline: offline.length, nodes: servers.length },
    };
  },
};

export default probe;
