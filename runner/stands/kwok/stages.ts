/**
 * The kwok Stages the stand runs: the ones kwok ships in its module
 * (kustomize/stage), taken from the Go module cache at the pinned version, so
 * node heartbeats and pod lifecycles behave as upstream defines them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runChild } from '../../core/child.js';
import { FaultlineError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/files.js';
import { toolPins } from '../toolchain.js';

/** Relative to the module's kustomize/stage. */
export const STAGE_FILES = [
  'node/fast/node-initialize.yaml', // a node without Ready=True becomes Ready
  'node/heartbeat-with-lease/node-heartbeat-with-lease.yaml', // rare status refresh; leases carry the heartbeat
  'pod/fast/pod-ready.yaml', // a scheduled pod becomes Running and Ready
  'pod/fast/pod-complete.yaml', // job pods complete
  'pod/fast/pod-delete.yaml', // a deleted pod goes away (the "kubelet" confirms)
];

const DOWNLOAD_MS = 5 * 60_000;

/** Directory of the pinned kwok module in the Go module cache (downloads it if needed). */
export async function kwokModuleDir(signal: AbortSignal): Promise<string> {
  const pin = toolPins().kwok;
  const mod = pin?.module;
  if (!pin || !mod) throw new FaultlineError('tool-pin', 'stands/tools.json: kwok needs "module" (the module that holds its stages)');
  const r = await runChild({
    file: 'go',
    args: ['mod', 'download', '-json', `${mod}@${pin.version}`],
    cwd: tmpdir(), // outside any module
    what: `go mod download ${mod}@${pin.version}`,
    timeoutMs: DOWNLOAD_MS,
    signal,
  });
  let dir: string | undefined;
  try {
    dir = (JSON.parse(r.stdout) as { Dir?: string; Error?: string }).Dir;
  } catch {
    // not JSON: reported below
  }
  if (r.exitCode !== 0 || !dir) {
    throw new FaultlineError('kwok-stages', `cannot find ${mod}@${pin.version} in the Go module cache`, {
      hint: 'the Go module proxy must be reachable once to download it',
      cause: new Error((r.stdout || r.stderr).slice(-1500)),
    });
  }
  return dir;
}

/** Writes the kwok config file: every stage document, each marked with its source. */
export async function writeKwokConfig(path: string, signal: AbortSignal): Promise<string[]> {
  const base = join(await kwokModuleDir(signal), 'kustomize', 'stage');
  const docs: string[] = [];
  for (const f of STAGE_FILES) {
    const text = await readFile(join(base, f), 'utf8').catch((err) => {
      throw new FaultlineError('kwok-stages', `kwok stage ${f} is missing from ${base}`, { cause: err });
    });
    docs.push(`# from sigs.k8s.io/kwok kustomize/stage/${f}\n${text.trim()}\n`);
  }
  await writeFileAtomic(path, docs.join('---\n'));
  return STAGE_FILES.map((f) => f.replace(/^.*\//, '').replace(/\.yaml$/, ''));
}
