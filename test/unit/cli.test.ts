import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { packageRoot } from '../../runner/core/files.js';
import { scenarioSchemaFile, standSchemaFile } from '../../runner/cli/write-schemas.js';
import { defaultCatalog } from '../../runner/catalog.js';
import { editorSchema } from '../../runner/scenario/editor-schema.js';
import { standFileSchema } from '../../runner/stands/stand-file.js';

const bin = join(packageRoot(), 'bin', 'faultline.js');
const fixtures = join(packageRoot(), 'test', 'fixtures', 'scenarios');
const cli = (...args: string[]) => execa('node', [bin, ...args], { reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });

describe('cli', () => {
  it('validate: exit 2 and every problem as file:line:col path: message, no stack', async () => {
    const r = await cli('validate', fixtures);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /^error\[invalid-input\]: \d+ problems found:/);
    assert.match(r.stderr, /bad-mixed\.yaml:11:17 spec\.steps\[0\]\.gate\.within: must be a duration like 30s/);
    assert.match(r.stderr, /bad-semantic\.yaml:9:\d+ spec\.steps\[1\]\.revert: no earlier fault/);
    assert.match(r.stderr, /hint: /);
    assert.doesNotMatch(r.stderr, /\s+at .*\.js:\d+/, 'no stack trace for user errors');
    assert.doesNotMatch(r.stderr, /\x1b\[/, 'NO_COLOR honoured');
  });

  it('validate: exit 0 for good files', async () => {
    const r = await cli('validate', join(fixtures, 'minimal.yaml'));
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /1 scenario valid/);
  });

  it('an unknown stand is invalid input with a hint', async () => {
    const r = await cli('plan', join(fixtures, 'minimal.yaml'), '--stand', 'no-such-stand');
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /error\[stand-unknown\]: no stand "no-such-stand"/);
    assert.match(r.stderr, /hint: give a stand file/);
  });

  it('plan prints the steps and touches nothing', async () => {
    const r = await cli('plan', join(fixtures, 'minimal.yaml'), '--stand', join(packageRoot(), 'test', 'fixtures', 'stands', 'plain.yaml'));
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /scenario minimal .* on stand plain/);
    assert.match(r.stdout, /2\. wait 1\.0 s \[after 500 ms\]/);
  });

  it('a protected stand refuses destructive scenarios without --yes, touching nothing', async () => {
    const results = join(packageRoot(), 'results');
    const r = await cli('run', join(fixtures, 'destructive.yaml'), '--stand', join(packageRoot(), 'test', 'fixtures', 'stands', 'protected.yaml'), '--results', results);
    assert.equal(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /error\[stand-protected\]: stand guarded is protected and destructive inject faults or run actions/);
    assert.match(r.stderr, /hint: add --yes/);
  });

  it('--help works on every command', async () => {
    for (const args of [['--help'], ['run', '--help'], ['stand', 'up', '--help'], ['recover', '--help'], ['report', '--help'], ['merge', '--help']]) {
      const r = await cli(...args);
      assert.equal(r.exitCode, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /Usage: faultline/);
    }
  });

  it('stand up: options come from the kind\'s schema; an unknown or mistyped one is an error, never ignored', async () => {
    const other = await cli('stand', 'up', 'kwok', '--drive-size', '2GiB');
    assert.equal(other.exitCode, 2);
    assert.match(other.stderr, /error\[stand-options\]: stand kwok: --drive-size is not an option of stand kind kwok/);
    const typo = await cli('stand', 'up', 'local', '--drive-size', 'lots');
    assert.equal(typo.exitCode, 2);
    assert.match(typo.stderr, /stand local: --drive-size: must be a size like 64MiB/);
    const file = await cli('stand', 'up', join(packageRoot(), 'test', 'fixtures', 'stands', 'bad-options.yaml'));
    assert.equal(file.exitCode, 2);
    assert.match(file.stderr, /bad-options\.yaml:7:16 spec\.options\.driveSize: must be a size like 64MiB/);
    assert.match(file.stderr, /bad-options\.yaml:8:\d+ spec\.options.*wings/);
    const help = await cli('stand', 'up', '--help');
    assert.match(help.stdout, /--drive-size <value> +local, cluster: size of each tmpfs drive/);
  });

  it('the checked-in scenario and stand schemas match the catalog (run `npm run schema`)', async () => {
    assert.deepEqual(JSON.parse(await readFile(scenarioSchemaFile, 'utf8')), editorSchema(defaultCatalog()));
    assert.deepEqual(JSON.parse(await readFile(standSchemaFile, 'utf8')), standFileSchema(defaultCatalog()));
  });
});
