/**
 * Builds the pinned third-party servers the embedded stands need (stands/tools.json)
 * from the Go module proxy, or with cargo from a build script, once per version, into the
 * faultline cache. One build of a tool at a time across processes (a lock per tool); a build
 * dies with its signal.
 */
import { readFileSync } from 'node:fs';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runChild } from '../core/child.js';
import { cacheDir, packageRoot } from '../core/files.js';
import { FaultlineError } from '../core/errors.js';
import { withLockFile } from '../core/lock.js';

/** A cold Kubernetes component build takes 6-7 minutes on 2 idle cores; a busy machine several times that. */
const BUILD_MS = 60 * 60_000;
/** A first RustFS release build took about 3 hours on 2 busy cores; later ones reuse the target folder. */
const CARGO_BUILD_MS = 5 * 60 * 60_000;

export interface ToolPin {
  version: string;
  /** `go install <goInstall>@<version>` */
  goInstall?: string;
  /** a wrapper module folder (relative to the package root) and the package to build in it */
  wrapper?: string;
  package?: string;
  /** the module `version` belongs to; for a wrapper, its go.mod must require this version */
  module?: string;
  /** `-ldflags` for the build; {{version}}, {{major}} and {{minor}} are replaced from `version` */
  ldflags?: string;
  /** build under `nice -n <nice>`: a long build that should yield the cores to running stands and tests */
  nice?: number;
  /**
   * a cargo build script (relative to the package root), run at the lowest CPU priority with
   * VERSION, OUT (the binary to write) and WORK (sources and target folder, kept per version)
   */
  cargoScript?: string;
}

function ldflagsOf(pin: ToolPin): string[] {
  if (!pin.ldflags) return [];
  const [major = '', minor = ''] = pin.version.replace(/^v/, '').split('.');
  const vars: Record<string, string> = { version: pin.version, major, minor };
  return ['-ldflags', pin.ldflags.replace(/\{\{(\w+)\}\}/g, (m, k: string) => vars[k] ?? m)];
}

export function toolPins(): Record<string, ToolPin> {
  const raw = JSON.parse(readFileSync(join(packageRoot(), 'stands', 'tools.json'), 'utf8')) as Record<string, unknown>;
  delete raw.$comment;
  return raw as Record<string, ToolPin>;
}

export function toolPath(name: string, pin: ToolPin = pinOf(name)): string {
  return cacheDir('tools', name, pin.version, name);
}

function pinOf(name: string): ToolPin {
  const pin = toolPins()[name];
  if (!pin) throw new FaultlineError('tool-unknown', `no pinned version for ${name} in stands/tools.json`);
  return pin;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** A wrapper's go.mod and stands/tools.json must agree, or the cache would lie about the version. */
async function checkWrapperVersion(name: string, pin: ToolPin, cwd: string, signal: AbortSignal): Promise<void> {
  const r = await runChild({ file: 'go', args: ['list', '-m', '-f', '{{.Version}}', pin.module!], cwd, what: `go list ${pin.module}`, timeoutMs: 5 * 60_000, signal });
  const got = r.exitCode === 0 ? r.stdout.trim() : '';
  if (got !== pin.version) {
    throw new FaultlineError('tool-pin', `stands/tools.json pins ${name} at ${pin.version} but ${pin.wrapper}/go.mod has ${pin.module} ${got || '(unreadable)'}`, {
      hint: `bump both together (cd ${pin.wrapper} && go get ${pin.module}@${pin.version})`,
      cause: r.exitCode === 0 ? undefined : new Error(r.stderr.slice(-1500)),
    });
  }
}

/**
 * A binary is rebuilt when its pin changed beyond the version (ldflags, wrapper...):
 * the pin it was built from sits next to it. Binaries from before this record count as matching.
 */
async function recipeMatches(bin: string, pin: ToolPin): Promise<boolean> {
  const saved = await readFile(`${bin}.pin.json`, 'utf8').catch(() => undefined);
  return saved === undefined || saved.trim() === JSON.stringify(pin);
}

/** Sources and cargo's target folder of a cargo-built tool, kept per version so a rebuild is incremental. */
export function cargoWorkDir(name: string, pin: ToolPin = pinOf(name)): string {
  return cacheDir('build', name, pin.version);
}

const buildBound = (pin: ToolPin) => (pin.cargoScript ? CARGO_BUILD_MS : BUILD_MS);

export interface BuildProgress {
  (line: string): void;
}

/**
 * Returns the path of the pinned binary, building it first if it is not cached.
 * `progress` gets a line now and then from the build (downloads, packages, crates). Another
 * process building the same tool is waited for, not raced.
 */
export async function ensureTool(name: string, signal: AbortSignal, progress: BuildProgress = () => {}): Promise<string> {
  const pin = pinOf(name);
  const bin = toolPath(name, pin);
  const cached = async () => (await exists(bin)) && (await recipeMatches(bin, pin));
  if (await cached()) return bin;
  await mkdir(join(bin, '..'), { recursive: true });
  return withLockFile(`${bin}.build.lock`, signal, buildBound(pin), `the build of ${name} ${pin.version} by another process`, async () => {
    if (!(await cached())) await build(name, pin, bin, signal, progress);
    return bin;
  });
}

async function build(name: string, pin: ToolPin, bin: string, signal: AbortSignal, progress: BuildProgress): Promise<void> {
  const outDir = join(bin, '..');
  const started = Date.now();
  progress(`building ${name} ${pin.version} with ${pin.cargoScript ? 'cargo' : 'Go'} (cached afterwards in ${outDir})`);
  const env: Record<string, string> = { CGO_ENABLED: process.env.CGO_ENABLED ?? '0' };
  let file = 'go';
  let args: string[];
  let cwd = packageRoot();
  if (pin.cargoScript) {
    // a first build takes hours on two cores; it must not starve the stands and tests
    file = 'nice';
    args = ['-n', '19', 'bash', join(packageRoot(), pin.cargoScript)];
    Object.assign(env, { VERSION: pin.version, OUT: bin, WORK: cargoWorkDir(name, pin) });
  } else if (pin.goInstall) {
    args = ['install', '-v', ...ldflagsOf(pin), `${pin.goInstall}@${pin.version}`];
    env.GOBIN = outDir;
  } else if (pin.wrapper && pin.package) {
    cwd = join(packageRoot(), pin.wrapper);
    if (pin.module) await checkWrapperVersion(name, pin, cwd, signal);
    // to a temporary name, renamed when complete: an interrupted build leaves no binary
    args = ['build', '-v', '-trimpath', ...ldflagsOf(pin), '-o', `${bin}.partial`, pin.package];
  } else {
    throw new FaultlineError('tool-pin', `stands/tools.json: ${name} needs goInstall, wrapper and package, or cargoScript`);
  }
  let lines = 0;
  const onLine = (line: string) => {
    lines++;
    if (line.startsWith('go: downloading') || line.includes('Compiling rustfs') || lines % 25 === 0) progress(`${name}: ${line} (${Math.round((Date.now() - started) / 1000)} s)`);
  };
  const fail = async (cause: unknown) => {
    await rm(`${bin}.partial`, { force: true });
    await rm(bin, { force: true });
    return new FaultlineError('tool-build', `building ${name} ${pin.version} failed (${file} ${args.join(' ')} in ${cwd})`, {
      hint: pin.cargoScript
        ? "check that cargo (Rust >= the release's rust-version) and protoc are on PATH and crates.io is reachable; the last lines of the build follow"
        : 'check that Go >= 1.24 is on PATH and the Go module proxy is reachable; the last lines of the build follow',
      cause,
    });
  };
  const [runFile = file, ...runArgs] = [...(pin.nice === undefined ? [] : ['nice', '-n', String(pin.nice)]), file, ...args];
  const r = await runChild({ file: runFile, args: runArgs, cwd, env, what: `${pin.cargoScript ? 'cargo' : 'go'} build of ${name}`, timeoutMs: buildBound(pin), signal, onLine }).catch(async (err: unknown) => {
    throw await fail(err);
  });
  if (pin.wrapper && r.exitCode === 0) await rename(`${bin}.partial`, bin).catch(() => {});
  if (r.exitCode !== 0 || !(await exists(bin))) throw await fail(new Error(r.stderr.split('\n').slice(-15).join('\n') || `exit ${r.exitCode ?? r.signal}`));
  await writeFile(`${bin}.pin.json`, JSON.stringify(pin) + '\n');
  progress(`${name} ${pin.version} built in ${Math.round((Date.now() - started) / 1000)} s`);
}
