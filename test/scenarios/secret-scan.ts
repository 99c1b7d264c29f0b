/** Looks for secret values in files and text: as written, base64, and URL-encoded. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SecretHit {
  where: string;
  form: string;
  offset: number;
}

function forms(secret: string): [string, Buffer][] {
  const out: [string, string][] = [
    ['plain', secret],
    ['base64', Buffer.from(secret).toString('base64')],
    ['url-encoded', encodeURIComponent(secret)],
  ];
  // a secret without special characters is its own URL encoding: one hit, not two
  return out.filter(([, v], i) => out.findIndex(([, w]) => w === v) === i).map(([f, v]) => [f, Buffer.from(v)]);
}

export function scanText(where: string, data: Buffer | string, secrets: string[]): SecretHit[] {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const hits: SecretHit[] = [];
  for (const s of secrets) {
    for (const [form, needle] of forms(s)) {
      const offset = buf.indexOf(needle);
      if (offset >= 0) hits.push({ where, form, offset });
    }
  }
  return hits;
}

/** Every file under `dir`, recursively; returns the hits and how many files were read. */
export async function scanDir(dir: string, secrets: string[]): Promise<{ hits: SecretHit[]; files: number }> {
  const hits: SecretHit[] = [];
  let files = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    files++;
    hits.push(...scanText(path, await readFile(path), secrets));
  }
  return { hits, files };
}
