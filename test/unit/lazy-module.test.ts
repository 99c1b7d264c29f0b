/** The kits' stand-ins for SDK exports (core/lazy-module.ts): nothing loads until used, then they act as the real exports. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../../runner/core/files.js';

// in a fresh process: this one has loaded the SDKs through other tests' imports
const script = `
const dist = ${JSON.stringify(join(packageRoot(), 'dist', 'runner'))};
const { kubeSdk, KubeConfig, PatchStrategy } = await import(dist + '/kube/sdk.js');
const { statusOf } = await import(dist + '/kube/errors.js');
const { s3Sdk, S3Client } = await import(dist + '/s3/sdk.js');
const { s3Client } = await import(dist + '/s3/client.js');
const out = { plainError: statusOf(new Error('HTTP-Code: 404')), kubeAfterPlainError: kubeSdk.loaded, s3AtStart: s3Sdk.loaded };
const kc = new KubeConfig();
const real = await import('@kubernetes/client-node');
out.kubeAfterNew = kubeSdk.loaded;
out.instance = kc instanceof KubeConfig && kc instanceof real.KubeConfig;
out.mergePatch = PatchStrategy.MergePatch === real.PatchStrategy.MergePatch;
out.apiStatus = statusOf(new real.ApiException(409, 'conflict', {}, {}));
const client = s3Client({ name: 't', s3: { endpoint: 'http://127.0.0.1:1', region: 'us-east-1' } });
out.s3Client = client instanceof S3Client && client instanceof (await import('@aws-sdk/client-s3')).S3Client;
client.destroy();
console.log(JSON.stringify(out));
`;

describe('lazy SDK stand-ins (core/lazy-module)', () => {
  it('load nothing until used; then construct, instanceof, statics and ApiException work as the real exports', async () => {
    const r = await execa('node', ['--input-type=module', '-e', script], { cwd: packageRoot(), timeout: 60_000, reject: false });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      kubeAfterPlainError: false,
      s3AtStart: false,
      kubeAfterNew: true,
      instance: true,
      mergePatch: true,
      apiStatus: 409,
      s3Client: true,
    });
  });
});
