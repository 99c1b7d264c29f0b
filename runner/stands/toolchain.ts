/**
 * Builds the pinned third-party servers the embedded stands need (stands/tools.json)
 * from the Go module proxy, or with cargo from a build script, once per version, into the
 * faultline cache. One build per tool at a time, across processes (a lock per tool).
 */
import { deadline } from '../core/abort.js';
import { readFileSync } from 'node:fs';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { cacheDir, packageRoot } from '../core/files.js';
import { FaultlineError, messageOf } from '../core/errors.js';

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
  const r = await execa('go', ['list', '-m', '-f', '{{.Version}}', pin.module!], {
    cwd,
    cancelSignal: deadline(signal, 5 * 60_000),
    reject: false,
  });
  const got = r.stdout.trim();
  if (r.failed || got !== pin.version) {
    throw new FaultlineError('tool-pin', `stands/tools.json pins ${name} at ${pin.version} but ${pin.wrapper}/go.mod has ${pin.module} ${got || '(unreadable)'}`, {
      hint: `bump both together (cd ${pin.wrapper} && go get ${pin.module}@${pin.version})`,
      cause: r.failed ? new Error(r.stderr.slice(-1500)) : undefined,
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

/**
 * Runs `cmd` holding the tool's lock (flock on <bin>.lock). Whoever held it before may have
 * built the same pin meanwhile: then the command is not run at all.
 */
function underToolLock(bin: string, pin: ToolPin, cmd: string[]): string[] {
  const guard = 'if [ -e "$BIN" ] && [ "$(cat "$BIN.pin.json" 2>/dev/null)" = "$PIN" ]; then exit 0; fi; exec "$@"';
  return ['flock', `${bin}.lock`, 'env', `BIN=${bin}`, `PIN=${JSON.stringify(pin)}`, 'sh', '-c', guard, 'sh', ...cmd];
}

export interface BuildProgress {
  (line: string): void;
}

/**
 * Returns the path of the pinned binary, building it first if it is not cached.
 * `progress` gets a line now and then from the build (downloads, packages, crates).
 */
export async function ensureTool(name: string, signal: AbortSignal, progress: BuildProgress = () => {}): Promise<string> {
  const pin = pinOf(name);
  const bin = toolPath(name, pin);
  if ((await exists(bin)) && (await recipeMatches(bin, pin))) return bin;
  const outDir = join(bin, '..');
  await mkdir(outDir, { recursive: true });
  const started = Date.now();
  progress(`building ${name} ${pin.version} with ${pin.cargoScript ? 'cargo' : 'Go'} (cached afterwards in ${outDir})`);
  const env: Record<string, string | undefined> = { ...process.env, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' };
  let cmd: string[];
  let cwd = packageRoot();
  if (pin.cargoScript) {
    // a first build takes hours on two cores; it must not starve the stands and tests
    cmd = ['nice', '-n', '19', 'bash', join(packageRoot(), pin.cargoScript)];
    Object.assign(env, { VERSION: pin.version, OUT: bin, WORK: cargoWorkDir(name, pin) });
  } else if (pin.goInstall) {
    cmd = ['install', '-v', ...ldflagsOf(pin), `${pin.goInstall}@${pin.version}`];
    Object.assign(env, { GOBIN: outDir });
  } else if (pin.wrapper && pin.package) {
    cwd = join(packageRoot(), pin.wrapper);
    if (pin.module) await checkWrapperVersion(name, pin, cwd, signal);
    // to a temporary name, renamed when complete: an interrupted build leaves no binary
    cmd = ['build', '-v', '-trimpath', ...ldflagsOf(pin), '-o', `${bin}.partial`, pin.package];
  } else {
    throw new FaultlineError('tool-pin', `stands/tools.json: ${name} needs goInstall, wrapper and package, or cargoScript`);
  }
  if (!pin.cargoScript) cmd = ['go', ...cmd];
  const [file, ...args] = underToolLock(bin, pin, cmd);
  // its own process group, so cancelling ends the compiler under flock and sh too
  const child = execa(file!, args, { cwd, env, detached: true, all: true, reject: false, buffer: { all: true } });
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  signal.addEventListener('abort', killGroup, { once: true });
  let lines = 0;
  child.all?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      lines++;
      if (line.startsWith('go: downloading') || line.includes('Compiling rustfs') || lines % 25 === 0) progress(`${name}: ${line.trim()} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
  });
  const result = await child.finally(() => signal.removeEventListener('abort', killGroup));
  if (signal.aborted) killGroup();
  if (pin.wrapper && !result.failed) await rename(`${bin}.partial`, bin).catch(() => {});
  if (result.failed || !(await exists(bin))) {
    await rm(`${bin}.partial`, { force: true });
    await rm(bin, { force: true });
    const tail = String(result.all ?? '').split('\n').slice(-15).join('\n');
    throw new FaultlineError('tool-build', `building ${name} ${pin.version} failed (${cmd.join(' ')} in ${cwd})`, {
      hint: pin.cargoScript
        ? 'check that cargo (Rust >= the release\'s rust-version) and protoc are on PATH and crates.io is reachable; the last lines of the build follow'
        : 'check that Go >= 1.24 is on PATH and the Go module proxy is reachable; the last lines of the build follow',
      cause: new Error(signal.aborted ? 'cancelled' : tail || messageOf(result)),
    });
  }
  await writeFile(`${bin}.pin.json`, JSON.stringify(pin) + '\n');
  progress(`${name} ${pin.version} built in ${Math.round((Date.now() - started) / 1000)} s`);
  return bin;
}
