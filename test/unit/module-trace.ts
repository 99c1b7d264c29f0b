/**
 * `node --import <this file>`: appends every module the process loads (ESM resolve, and
 * require(), which lazy kits use) to the file named by FAULTLINE_MODULE_TRACE, one URL or
 * path a line. The start-up tests read it to prove what `--help` and `validate` never load.
 */
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const out = process.env.FAULTLINE_MODULE_TRACE;
if (out) {
  register('./module-trace-hooks.js', import.meta.url, { data: { out } });
  // require() (createRequire in core/lazy-module.ts) does not pass the ESM hooks on Node 20
  const mod = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const resolveFilename = mod._resolveFilename;
  mod._resolveFilename = function (request: string, ...rest: unknown[]) {
    const file = resolveFilename.call(this, request, ...rest);
    appendFileSync(out, `require ${file}\n`);
    return file;
  };
}
