/**
 * A `docker` stand-in for the kind driver tests. There is no Docker engine on this
 * machine, so this shim, put first on PATH, records every call (argv as JSON, one
 * line each) and keeps a tiny container state (running, paused, networks) in a JSON
 * file so inspect answers the way docker would.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ShimContainer {
  running: boolean;
  paused: boolean;
  networks: string[];
  /** starts so far: the storage process of a container (pid 4242) gets this as its start time */
  boots?: number;
}

const shimSource = `#!/usr/bin/env node
// faultline test shim for the docker CLI: records calls, fakes container state.
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(process.env.FL_DOCKER_LOG, JSON.stringify(args) + '\\n');
if (process.env.FL_DOCKER_HANG) { setTimeout(() => {}, 600000); return; }
const st = JSON.parse(fs.readFileSync(process.env.FL_DOCKER_STATE, 'utf8'));
const save = () => fs.writeFileSync(process.env.FL_DOCKER_STATE, JSON.stringify(st));
const fail = (msg) => { process.stderr.write('Error response from daemon: ' + msg + '\\n'); process.exit(1); };
const get = (name) => st[name] || fail('No such container: ' + name);
const [verb] = args;
if (verb === 'inspect') {
  const c = get(args[args.length - 1]);
  const fmt = args[args.indexOf('--format') + 1];
  if (fmt === '{{json .State}}') {
    console.log(JSON.stringify({ Status: c.paused ? 'paused' : c.running ? 'running' : 'exited', Running: c.running, Paused: c.paused }));
  } else if (fmt === '{{json .NetworkSettings.Networks}}') {
    console.log(JSON.stringify(Object.fromEntries(c.networks.map((n) => [n, { NetworkID: n }]))));
  } else fail('shim: unknown format ' + fmt);
} else if (verb === 'kill') { const c = get(args[args.length - 1]); if (!c.running) fail('container is not running'); c.running = false; c.paused = false; save();
} else if (verb === 'start') { const c = get(args[1]); c.running = true; c.boots = (c.boots || 0) + 1; save();
} else if (verb === 'top') { const c = get(args[1]); if (!c.running) fail('container ' + args[1] + ' is not running'); console.log('PID COMMAND\\n4242 minio\\n4300 containerd');
} else if (verb === 'pause') { const c = get(args[1]); if (!c.running || c.paused) fail('cannot pause'); c.paused = true; save();
} else if (verb === 'unpause') { const c = get(args[1]); if (!c.paused) fail('container is not paused'); c.paused = false; save();
} else if (verb === 'network') {
  const c = get(args[3]);
  if (args[1] === 'disconnect') { if (!c.networks.includes(args[2])) fail('not connected'); c.networks = c.networks.filter((n) => n !== args[2]); }
  else { if (c.networks.includes(args[2])) fail('endpoint already exists'); c.networks.push(args[2]); }
  save();
} else if (verb === 'exec') {
  const c = get(args[1]);
  if (!c.running || c.paused) fail('container ' + args[1] + ' is not running');
  const script = args[4] || '';
  const df = 'Filesystem 1024-blocks Used Available Capacity Mounted on\\noverlay 1000000 100000 900000 10% /';
  // 1000000 KiB drive with 100000 KiB used and no filler yet
  if (script.startsWith('df ')) console.log(df + '\\n0');
  else if (args[2] === 'df') console.log(df);
  // the storage process listing (pgrep by name): one minio process
  else if (script.includes('pgrep -x minio')) console.log('4242 S ' + (c.boots || 0));
} else fail('shim: unknown command ' + verb);
`;

export class DockerShim {
  dir = '';
  private savedPath = '';

  async install(containers: Record<string, ShimContainer>): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'fl-docker-shim-'));
    await writeFile(join(this.dir, 'docker'), shimSource);
    await chmod(join(this.dir, 'docker'), 0o755);
    await this.setState(containers);
    this.savedPath = process.env.PATH ?? '';
    process.env.PATH = `${this.dir}:${this.savedPath}`;
    process.env.FL_DOCKER_LOG = join(this.dir, 'calls.log');
    process.env.FL_DOCKER_STATE = join(this.dir, 'state.json');
    await writeFile(process.env.FL_DOCKER_LOG, '');
  }

  async setState(containers: Record<string, ShimContainer>): Promise<void> {
    await writeFile(join(this.dir, 'state.json'), JSON.stringify(containers));
  }

  async state(): Promise<Record<string, ShimContainer>> {
    return JSON.parse(await readFile(join(this.dir, 'state.json'), 'utf8')) as Record<string, ShimContainer>;
  }

  /** Calls since the last take(), each as the command line docker got. */
  async take(): Promise<string[][]> {
    const log = join(this.dir, 'calls.log');
    const lines = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    await writeFile(log, '');
    return lines.map((l) => JSON.parse(l) as string[]);
  }

  async remove(): Promise<void> {
    process.env.PATH = this.savedPath;
    delete process.env.FL_DOCKER_LOG;
    delete process.env.FL_DOCKER_STATE;
    delete process.env.FL_DOCKER_HANG;
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
