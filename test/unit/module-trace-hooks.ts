/** The ESM half of module-trace.ts: runs on the loader thread, records every resolved URL. */
import { appendFileSync } from 'node:fs';

let out = '';

export function initialize(data: { out: string }): void {
  out = data.out;
}

type Resolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, next: Resolve): Promise<{ url: string }> {
  const result = await next(specifier, context);
  appendFileSync(out, `import ${result.url}\n`);
  return result;
}
