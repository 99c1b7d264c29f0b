/**
 * The local stand's server choice, without bringing a stand up: `--server` is an option of the
 * local kind's schema (its enum is the server list), checked before anything is made; a
 * `local-<server>` instance runs that server unless told otherwise; the shipped stand files
 * name their server. The servers themselves run in test/stands/servers/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execa } from 'execa';
import { defaultCatalog } from '../../runner/catalog.js';
import { packageRoot } from '../../runner/core/files.js';
import { checkOptions } from '../../runner/stands/options.js';
import { standKindOf } from '../../runner/stands/resolve.js';
import { loadStandFile } from '../../runner/stands/stand-file.js';
import { siteOf } from '../../runner/stands/local/layout.js';
import { serverList } from '../../runner/stands/local/servers/index.js';
import { serverOption } from '../../runner/stands/local/up.js';

const bin = join(packageRoot(), 'bin', 'faultline.js');
const cli = (...args: string[]) => execa('node', [bin, ...args], { reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });
const local = defaultCatalog().stands.get('local')!;

describe('local stand: the storage server option', () => {
  it('the schema offers exactly the server list, and an unknown server is an error naming them', () => {
    const server = (local.options.properties as Record<string, { enum: string[] }>).server!;
    assert.deepEqual(server.enum, serverList.map((s) => s.name));
    assert.deepEqual(server.enum, ['minio', 'seaweedfs', 'rustfs']);
    assert.deepEqual(checkOptions(local, { server: 'seaweedfs' }, 'flags').server, 'seaweedfs');
    assert.throws(() => checkOptions(local, { server: 'ceph' }, 'flags'), /stand local: --server: must be one of minio, seaweedfs, rustfs/);
  });

  it('stand up --server ceph fails before making anything, exit 2; --help lists the servers', async () => {
    const bad = await cli('stand', 'up', 'local-nothing-made', '--server', 'ceph');
    assert.equal(bad.exitCode, 2, bad.stderr);
    assert.match(bad.stderr, /error\[stand-options\]: stand local: --server: must be one of minio, seaweedfs, rustfs/);
    const help = await cli('stand', 'up', '--help');
    assert.match(help.stdout, /--server <value> +local: the storage server: minio \(/);
  });

  it('a stand file with an unknown server is invalid input at its position', async () => {
    const r = await cli('stand', 'up', join(packageRoot(), 'test', 'fixtures', 'stands', 'bad-server.yaml'));
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /bad-server\.yaml:7:13 spec\.options\.server: must be one of "minio", "seaweedfs", "rustfs"/);
  });

  it('instances: local-<server> runs that server, --server wins, anything else runs the first of the list', () => {
    assert.equal(standKindOf('local-seaweedfs', defaultCatalog()), local);
    assert.equal(serverOption(siteOf('local-seaweedfs'), {}).name, 'seaweedfs');
    assert.equal(serverOption(siteOf('local-rustfs'), {}).name, 'rustfs');
    assert.equal(serverOption(siteOf('local-seaweedfs'), { server: 'minio' }).name, 'minio');
    assert.equal(serverOption(siteOf('local-lab'), {}).name, 'minio');
    assert.equal(serverOption(siteOf('local'), {}).name, 'minio');
  });

  it('the shipped stand files local-<server> are instances of local and name their server', async () => {
    for (const s of serverList) {
      const sf = await loadStandFile(join(packageRoot(), 'stands', `local-${s.name}.yaml`), defaultCatalog());
      assert.equal(sf.spec.embedded, `local-${s.name}`);
      assert.deepEqual(sf.spec.options, { server: s.name });
    }
  });

  it('each instance has its own names and subnet inside 10.251/16, the default keeps fl-node* and 10.251.0', () => {
    const sites = ['local', ...serverList.map((s) => `local-${s.name}`)].map((n) => siteOf(n));
    assert.equal(sites[0]!.prefix, 'fl');
    assert.equal(sites[0]!.subnetPrefix, '10.251.0');
    assert.equal(new Set(sites.map((s) => s.index)).size, sites.length);
    for (const s of sites.slice(1)) assert.match(s.subnetPrefix, /^10\.251\.([1-9]\d?|1\d\d|2[0-4]\d|25[0-4])$/);
    assert.throws(() => siteOf('remote-x'), /a local stand's name is "local" or "local-<name>"/);
  });
});
