/**
 * `--upload s3://bucket/prefix`: copies a results folder to S3, under
 * `<prefix>/<folder name>/`, through the project's S3 client kit. The target is
 * configured the way the AWS tools are: endpoint from AWS_ENDPOINT_URL_S3 or
 * AWS_ENDPOINT_URL (default: AWS S3 of the region), region from AWS_REGION or
 * AWS_DEFAULT_REGION (default us-east-1), credentials from the AWS SDK chain
 * (environment, profile, web identity in a pod). Credentials never reach the output.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { PutObjectCommand } from '../s3/sdk.js';
import type { Stand } from '../core/contracts.js';
import { deadline } from '../core/abort.js';
import { ExitCode, FaultlineError } from '../core/errors.js';
import { s3ErrorText, send, withS3 } from '../s3/client.js';

export interface S3Url {
  bucket: string;
  /** without leading or trailing slash; may be empty */
  prefix: string;
}

export function parseS3Url(text: string): S3Url {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(text.trim());
  if (!m) {
    throw new FaultlineError('invalid-upload', `--upload ${text}: expected s3://<bucket>[/<prefix>], e.g. s3://chaos-results/nightly`, { exitCode: ExitCode.invalidInput });
  }
  return { bucket: m[1]!, prefix: (m[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

/** The upload target as a stand with only S3, so the shared client kit applies. */
export function uploadTarget(env: NodeJS.ProcessEnv = process.env): Stand {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || `https://s3.${region}.amazonaws.com`;
  return {
    name: 'upload target',
    driver: 'file',
    ref: endpoint,
    protected: false,
    capabilities: new Set(['s3']),
    unsupported: new Map(),
    s3: { endpoint, region },
    close: async () => {},
  };
}

const contentTypes: Record<string, string> = {
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.xml': 'application/xml',
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
};

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    // temp files of an atomic write in flight are not results
    else if (e.isFile() && !e.name.endsWith('.tmp')) out.push(p);
  }
  return out.sort();
}

export const perFileTimeoutMs = 120_000;

/** The key prefix a folder's files go under: `<prefix>/<folder name>`. */
export function uploadBase(dir: string, url: S3Url): string {
  return [url.prefix, basename(resolve(dir))].filter(Boolean).join('/');
}

/** Uploads every file of `dir`; returns the keys written. */
export async function uploadFolder(dir: string, url: S3Url, signal: AbortSignal, target: Stand = uploadTarget()): Promise<string[]> {
  const root = resolve(dir);
  const base = uploadBase(root, url);
  const files = await filesUnder(root);
  const keys: string[] = [];
  await withS3(target, { requestTimeoutMs: perFileTimeoutMs, maxAttempts: 3, signal }, async (client) => {
    for (const file of files) {
      const rel = relative(root, file).split(sep).join('/');
      const key = `${base}/${rel}`;
      const ext = rel.slice(rel.lastIndexOf('.'));
      const fileSignal = deadline(signal, perFileTimeoutMs);
      try {
        await send(client, new PutObjectCommand({ Bucket: url.bucket, Key: key, Body: await readFile(file), ContentType: contentTypes[ext] ?? 'application/octet-stream' }), fileSignal);
      } catch (err) {
        const why = signal.aborted ? `interrupted (${String(signal.reason?.message ?? signal.reason)})` : fileSignal.aborted ? `no answer within the per-file bound of ${perFileTimeoutMs / 1000} s` : s3ErrorText(err);
        throw new FaultlineError('upload-failed', `uploading ${rel} to s3://${url.bucket}/${key} (${target.ref}) failed: ${why}`, {
          hint: 'check the bucket exists and the AWS credentials in the environment may write to it; the results stay in the local folder',
          cause: err,
        });
      }
      keys.push(key);
    }
  });
  return keys;
}
