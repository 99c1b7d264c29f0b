// `node scripts/tool-path.mjs <tool>`: builds the pinned tool once (stands/tools.json, cached in
// ~/.cache/faultline/tools) and prints its path; for scripts that put a tool on PATH.
import { ensureTool } from '../dist/runner/stands/toolchain.js';

const [name] = process.argv.slice(2);
if (!name) {
  console.error('usage: node scripts/tool-path.mjs <tool>');
  process.exit(2);
}
try {
  const bin = await ensureTool(name, AbortSignal.timeout(60 * 60_000), (line) => process.stderr.write(`${line}\n`));
  console.log(bin);
} catch (err) {
  console.error(`tool-path: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
