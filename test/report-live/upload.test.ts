/** `faultline report|merge --upload` against the test's own MinIO on loopback (never the shared local stand). */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, type GetObjectCommandOutput, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { packageRoot } from '../../runner/core/files.js';
import { send, withS3 } from '../../runner/s3/client.js';
import { mergedMatrix } from '../../runner/report/combine.js';
import { writeResultsFolder } from '../../runner/report/files.js';
import { parseS3Url, uploadFolder, uploadTarget } from '../../runner/report/upload.js';
import { record, sweep } from '../report/fixtures.js';
import { startMinio, type OwnMinio } from './minio.js';

const bin = join(packageRoot(), 'bin', 'faultline.js');

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await filesUnder(join(dir, e.name))));
    else out.push(join(dir, e.name));
  }
  return out;
}

describe('report/upload to S3 (own MinIO)', function () {
  this.timeout(5 * 60_000);
  let minio: OwnMinio;
  let root: string;
  let env: Record<string, string>;

  before(async () => {
    minio = await startMinio();
    root = await mkdtemp(join(tmpdir(), 'faultline-upload-'));
    await withS3(minio.stand, {}, (c) => send(c, new CreateBucketCommand({ Bucket: 'chaos-results' }), AbortSignal.timeout(30_000)));
    env = {
      NO_COLOR: '1',
      AWS_ENDPOINT_URL_S3: minio.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: minio.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: minio.credentials.secretAccessKey,
    };
    const a = sweep().map((r) => ({ ...r, runId: 'night-1' }));
    const b = [record({ runId: 'night-2', iteration: 1 })];
    await writeResultsFolder(join(root, 'night-1'), mergedMatrix(a), a, (r) => `runs/${r.scenario.name}--${r.stand.name}--${r.iteration}.json`);
    await writeResultsFolder(join(root, 'night-2'), mergedMatrix(b), b, (r) => `runs/${r.scenario.name}--${r.stand.name}--${r.iteration}.json`);
  });

  after(async () => {
    await minio?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('merge --upload puts the merged folder under <prefix>/<folder name>/, byte for byte', async () => {
    const out = join(root, '2026-12-01');
    const r = await execa('node', [bin, 'merge', join(root, 'night-1'), join(root, 'night-2'), '--out', out, '--upload', 's3://chaos-results/nightly/merged'], { reject: false, timeout: 120_000, env });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /uploaded 14 files to s3:\/\/chaos-results\/nightly\/merged\/2026-12-01\//);
    assert.ok(![r.stdout, r.stderr].some((t) => t.includes(minio.credentials.secretAccessKey) || t.includes(minio.credentials.accessKeyId)), 'no credentials in the output');
    const local = (await filesUnder(out)).map((f) => relative(out, f)).sort();
    assert.equal(local.length, 14, 'ten records and four summary files');
    await withS3(minio.stand, {}, async (c) => {
      const signal = AbortSignal.timeout(30_000);
      const list = await send<ListObjectsV2CommandOutput>(c, new ListObjectsV2Command({ Bucket: 'chaos-results', Prefix: 'nightly/merged/2026-12-01/' }), signal);
      assert.deepEqual((list.Contents ?? []).map((o) => o.Key!.slice('nightly/merged/2026-12-01/'.length)).sort(), local);
      for (const rel of ['matrix.json', 'runs/night-2/power-off-mid-upload--local--1.json']) {
        const got = await send<GetObjectCommandOutput>(c, new GetObjectCommand({ Bucket: 'chaos-results', Key: `nightly/merged/2026-12-01/${rel}` }), signal);
        assert.equal(got.ContentType, 'application/json');
        assert.equal(await got.Body!.transformToString(), await readFile(join(out, rel), 'utf8'), rel);
      }
    });
  });

  it('a bucket that does not exist fails the upload with exit 4 and says where, the local results stay', async () => {
    const out = join(root, 'nowhere');
    const r = await execa('node', [bin, 'report', join(root, 'night-2'), '--out', out, '--upload', 's3://no-such-bucket/x'], { reject: false, timeout: 120_000, env });
    assert.equal(r.exitCode, 4, r.stderr);
    assert.match(r.stderr, /error\[upload-failed\]: uploading \S+ to s3:\/\/no-such-bucket\/x\/nowhere\/\S+ \(http:\/\/127\.0\.0\.1:\d+\) failed: NoSuchBucket \(HTTP 404\)/);
    assert.match(r.stderr, /hint: check the bucket exists/);
    assert.ok(!r.stderr.includes(minio.credentials.secretAccessKey));
    assert.ok((await readFile(join(out, 'summary.md'), 'utf8')).length > 0, 'written before the upload');
  });

  it('wrong credentials are refused by the server, not printed', async () => {
    const bad = uploadTarget({ AWS_ENDPOINT_URL_S3: minio.endpoint, AWS_REGION: 'us-east-1' });
    const target = { ...bad, s3: { ...bad.s3!, credentials: { accessKeyId: 'nobody', secretAccessKey: 'not-the-secret-1234' } } };
    await assert.rejects(uploadFolder(join(root, 'night-2'), parseS3Url('s3://chaos-results/x'), AbortSignal.timeout(60_000), target), (err: Error) => {
      assert.match(err.message, /failed: InvalidAccessKeyId \(HTTP 403\)/);
      assert.ok(!err.message.includes('not-the-secret-1234'));
      return true;
    });
  });

  it('s3 URLs: bucket and prefix, anything else is invalid input', () => {
    assert.deepEqual(parseS3Url('s3://chaos-results/nightly/'), { bucket: 'chaos-results', prefix: 'nightly' });
    assert.deepEqual(parseS3Url('s3://chaos-results'), { bucket: 'chaos-results', prefix: '' });
    for (const bad of ['https://x/y', 's3://', 's3://UPPER/x', 'chaos-results/x']) assert.throws(() => parseS3Url(bad), /expected s3:\/\/<bucket>\[\/<prefix>\]/, bad);
  });
});
