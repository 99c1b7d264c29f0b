/** The ssh driver's stand-file side: templates, quoting, what is supported, ssh argv. No network. */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { FaultlineError, UnsupportedError } from '../../../runner/core/errors.js';
import { loadStandFile } from '../../../runner/stands/stand-file.js';
import type { NodeSpec } from '../../../runner/core/stand-kind.js';
import { defaultCatalog } from '../../../runner/catalog.js';
import { sshDriver } from '../../../runner/stands/ssh/index.js';
import { render, shellQuote } from '../../../runner/stands/command/template.js';
import { fillerBytes } from '../../../runner/stands/command/disk.js';
import { readSshConfig } from '../../../runner/stands/ssh/config.js';
import { SshNodeDriver } from '../../../runner/stands/ssh/driver.js';

const example = (name: string) => fileURLToPath(new URL(`../../../../stands/examples/${name}`, import.meta.url));
const spec = (commands: Record<string, string>, extra: Partial<NodeSpec> = {}): NodeSpec => ({
  driver: 'ssh',
  hosts: { a: { address: '192.0.2.1', user: 'ops', bmc: 'bmc-a' }, b: { address: '192.0.2.2', bmc: 'bmc-b', drives: '/d0,/d1' } },
  commands,
  ...extra,
});

describe('ssh driver configuration', () => {
  it('quotes values for the shell and keeps plain words readable', () => {
    assert.equal(shellQuote('10.0.0.5'), '10.0.0.5');
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote('a b;c'), "'a b;c'");
    assert.deepEqual(render('local: ipmitool -H {{ bmc }} power off', { bmc: 'bmc a' }), { local: true, command: "ipmitool -H 'bmc a' power off" });
    assert.throws(() => render('x {{nope}}', {}), /\{\{nope\}\} has no value/);
  });

  it('reports every template problem at load time', () => {
    assert.throws(
      () => readSshConfig(spec({ powerOff: 'ipmitool -H {{bmc}} -U {{bmcUser}}', reboots: 'x', stop: 'kill {{user}}' }), 'big'),
      (e: FaultlineError) => {
        assert.equal(e.code, 'stand-nodes');
        assert.match(e.message, /commands\.powerOff: \{\{bmcUser\}\} is not set for host a, b/);
        assert.match(e.message, /commands\.reboots: unknown command/);
        assert.match(e.message, /commands\.stop: \{\{user\}\} is not set for host b/);
        return true;
      },
    );
  });

  it('offers only what the templates (and their undo) cover', () => {
    const made = sshDriver.make(spec({ powerOff: 'local: ipmitool -H {{bmc}} chassis power off', start: 'systemctl start minio', pause: 'kill -STOP 1' }), {
      standName: 'big',
    });
    const d = made.driver;
    assert.equal(d.powerOff, undefined, 'powerOff without powerOn has no undo');
    assert.equal(d.pause, undefined, 'pause without resume');
    assert.equal(typeof d.start, 'function');
    assert.equal(d.kill, undefined);
    assert.equal(typeof d.partition, 'function', 'iptables default');
    assert.equal(typeof d.hasModule, 'function', 'modinfo default');
    assert.equal(d.setBootKernel, undefined);
    assert.deepEqual(made.capabilities, ['network']);
  });

  it('a command without a template is an UnsupportedError, before anything runs', async () => {
    const d = new SshNodeDriver(readSshConfig(spec({ powerOff: 'local: true' }), 'big'));
    await assert.rejects(d.pause('a', AbortSignal.timeout(1000)), (e: Error) => e instanceof UnsupportedError && /commands\.pause/.test(e.message));
    await assert.rejects(d.powerOff('a', AbortSignal.timeout(1000)), (e: Error) => e instanceof UnsupportedError && /commands\.powerOn/.test(e.message));
    await assert.rejects(d.setBootKernel('a', 'k', AbortSignal.timeout(1000)), UnsupportedError);
    await assert.rejects(d.fillDisk('a', 0, 0.5, AbortSignal.timeout(1000)), /host a lists no drives/);
  });

  it('builds ssh argv: BatchMode always, the stand file options ahead of the defaults, sudo when asked', () => {
    const cfg = readSshConfig(spec({}, { ssh: { connectTimeout: '1500ms', options: ['StrictHostKeyChecking=accept-new'], sudo: true } }), 'big');
    const d = new SshNodeDriver(cfg);
    assert.deepEqual(d.sshArgs(cfg.hosts.get('a')!, "echo 'hi'"), [
      '-n', '-T', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=2', '-o', 'StrictHostKeyChecking=accept-new',
      '-o', 'StrictHostKeyChecking=yes', '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=3',
      '-l', 'ops', '--', '192.0.2.1', `sudo -n sh -c 'echo '\\''hi'\\'''`,
    ]);
  });

  it('sizes a filler from df so the drive ends at the fraction, counting an earlier filler', () => {
    const df = (usedK: number, availK: number, filler: number) =>
      `Filesystem 1024-blocks Used Available Capacity Mounted on\ntank 1000 ${usedK} ${availK} 10% /d0\n${filler}`;
    assert.equal(fillerBytes(df(100, 900, 0), 0.5), 400 * 1024);
    assert.equal(fillerBytes(df(500, 500, 400 * 1024), 0.5), 400 * 1024);
    assert.equal(fillerBytes(df(600, 400, 0), 0.5), 0);
    assert.equal(fillerBytes(df(100, 850, 0), 1), 850 * 1024, 'capped by available space');
  });

  it('ships an example ssh stand file that validates and gives every capability', async () => {
    const sf = await loadStandFile(example('ssh.yaml'), defaultCatalog());
    const made = sshDriver.make(sf.spec.nodes!, { standName: sf.metadata.name });
    assert.deepEqual(made.capabilities.sort(), ['disk', 'kernel', 'network', 'nodes']);
    assert.deepEqual(made.driver.list(), ['bumble', 'hornet', 'wasp', 'moth']);
  });
});
