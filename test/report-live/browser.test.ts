/**
 * The report of a real sweep, rendered by headless Chromium: the scenarios in
 * test/fixtures/report-sweep run through the CLI on the test's own MinIO (node m1's pause
 * is a real SIGSTOP of it), with `--upload` to a bucket of that MinIO. The page must draw
 * what the records say: fault bands as wide as the fault lasted on the drawn axis, every
 * gate's mark where and how its verdict came, the detection and recovery times, the
 * workload's progress, a matrix link to every run. A screenshot is kept in test-artifacts/.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, type GetObjectCommandOutput, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { packageRoot } from '../../runner/core/files.js';
import { formatDuration } from '../../runner/core/units.js';
import { send, withS3 } from '../../runner/s3/client.js';
import { runLabel } from '../../runner/report/format.js';
import { readResults } from '../../runner/report/merge.js';
import { mergedMatrix } from '../../runner/report/combine.js';
import { writeResultsFolder } from '../../runner/report/files.js';
import type { RunRecord } from '../../runner/report/record.js';
import { Chromium, chromiumPath } from './chromium.js';
import { axisOf, checkDrawn, measure, near, type Drawn } from './drawn.js';
import { startMinio, type OwnMinio } from './minio.js';

const bin = join(packageRoot(), 'bin', 'faultline.js');
const artifacts = join(packageRoot(), 'test-artifacts');

describe('report.html of a real sweep, in Chromium', function () {
  this.timeout(10 * 60_000);
  let minio: OwnMinio;
  let root: string;
  let resultsDir: string;
  let records: RunRecord[];
  let sweep: { exitCode?: number; stdout: string; stderr: string };
  const runId = `browser-${randomBytes(3).toString('hex')}`;

  before(async function () {
    if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install chromium (scripts/bootstrap.sh does)`);
    minio = await startMinio();
    root = await mkdtemp(join(tmpdir(), 'faultline-browser-'));
    await withS3(minio.stand, {}, (c) => send(c, new CreateBucketCommand({ Bucket: 'chaos-results' }), AbortSignal.timeout(30_000)));
    const r = await execa('node', [bin, 'run', join(packageRoot(), 'test', 'fixtures', 'report-sweep'), '--stand', minio.nodeStandFile, '--results', root, '--run-id', runId, '--upload', 's3://chaos-results/nightly'], {
      reject: false,
      timeout: 6 * 60_000,
      env: {
        NO_COLOR: '1',
        AWS_ENDPOINT_URL_S3: minio.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: minio.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: minio.credentials.secretAccessKey,
      },
    });
    sweep = { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
    resultsDir = join(root, runId);
    records = (await readResults([resultsDir])).records;
  });

  after(async () => {
    await minio?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('the sweep ran for real: the frozen MinIO failed the gate that needs it, the rest passed', () => {
    assert.equal(sweep.exitCode, 1, `a gate fails by design\n${sweep.stderr.slice(-3000)}`);
    const freeze = records.find((r) => r.scenario.name === 'freeze-own-minio')!;
    assert.equal(freeze.status, 'fail');
    assert.deepEqual(freeze.gates.map((g) => [g.name, g.verdict]), [
      ['healthy before', 'pass'],
      ['health stops answering', 'pass'],
      ['writes go on while frozen', 'fail'],
      ['serves again within 20s', 'pass'],
      ['nothing acknowledged was lost', 'pass'],
    ]);
    assert.ok(freeze.faults[0]!.injectedAt && freeze.faults[0]!.revertedAt, 'the pause was injected and reverted');
    assert.ok((freeze.progress?.ledger?.length ?? 0) >= 5, 'ledger progress was sampled');
    assert.deepEqual(records.filter((r) => r.scenario.name === 'steady-own-minio').map((r) => r.status), ['pass', 'pass']);
  });

  it('run --upload copied the run folder to S3, and it reads back the same', async () => {
    assert.match(sweep.stderr, new RegExp(`uploaded \\d+ files to s3://chaos-results/nightly/${runId}/`));
    const out = `${sweep.stdout}\n${sweep.stderr}`;
    assert.ok(!out.includes(minio.credentials.secretAccessKey) && !out.includes(minio.credentials.accessKeyId), 'no credentials in the output');
    await withS3(minio.stand, {}, async (c) => {
      const signal = AbortSignal.timeout(30_000);
      const list = await send<ListObjectsV2CommandOutput>(c, new ListObjectsV2Command({ Bucket: 'chaos-results', Prefix: `nightly/${runId}/` }), signal);
      const keys = (list.Contents ?? []).map((o) => o.Key!.slice(`nightly/${runId}/`.length)).sort();
      assert.deepEqual(keys, ['journal.jsonl', 'junit.xml', 'matrix.json', 'report.html', ...records.map((r) => `runs/${r.scenario.name}--${r.stand.name}--${r.iteration}.json`).sort(), 'summary.md', 'watchdog.log'].sort());
      const got = await send<GetObjectCommandOutput>(c, new GetObjectCommand({ Bucket: 'chaos-results', Key: `nightly/${runId}/report.html` }), signal);
      assert.equal(got.ContentType, 'text/html; charset=utf-8');
      assert.equal(await got.Body!.transformToString(), await readFile(join(resultsDir, 'report.html'), 'utf8'));
    });
  });

  it('Chromium draws what the records say', async () => {
    const browser = await Chromium.launch();
    try {
      await browser.open(`file://${join(resultsDir, 'report.html')}`);
      const { sections } = await checkDrawn(browser, records);

      const freeze = records.find((r) => r.scenario.name === 'freeze-own-minio')!;
      const d = await browser.evaluate<Drawn>(measure(sections.find((x) => x.summary.includes(runLabel(freeze)))!.id));
      const detected = freeze.gates.find((g) => g.name === 'health stops answering')!;
      const recovered = freeze.gates.find((g) => g.name === 'serves again within 20s')!;
      assert.equal(d.marks.find((m) => m.gate === detected.name)!.phase, 'detection');
      assert.equal(d.marks.find((m) => m.gate === recovered.name)!.phase, 'recovery');
      assert.ok(d.labels.some((l) => l.cls.includes('detection') && l.text.startsWith(`detected after ${formatDuration(detected.elapsedMs)}`)), `detection labelled: ${JSON.stringify(d.labels)}`);
      assert.ok(d.labels.some((l) => l.cls.includes('recovery') && l.text.startsWith(`recovered after ${formatDuration(recovered.elapsedMs)}`)), 'recovery labelled');
      assert.ok(d.labels.some((l) => l.cls.includes('fail') && l.text.startsWith('fail: no pass within 3.0 s')), 'the failed gate says why');
      const samples = freeze.progress!.ledger!;
      assert.ok(d.progress && d.progress.points >= samples.length, `progress line with every sample (${d.progress?.points} points, ${samples.length} samples)`);
      const px = axisOf(d);
      near(d.progress!.right, px(samples.at(-1)![0] - freeze.startedAt), 'the progress line ends at the last sample', 2.5);
      assert.equal(samples.at(-1)![1], 1, 'the ledger finished');
      near(d.progress!.top, d.lane!.top, 'the line reaches 100%', 2.5);

      // the baseline comparison sits on top: last night the frozen-MinIO scenario passed
      const baseDir = join(root, 'last-night');
      const passed = records.map((r) => (r.scenario.name === 'freeze-own-minio' ? { ...r, runId: 'last-night', status: 'pass' as const, gates: r.gates.map((g) => ({ ...g, verdict: 'pass' as const })) } : { ...r, runId: 'last-night' }));
      await writeResultsFolder(baseDir, mergedMatrix(passed), passed, (r) => `runs/${r.scenario.name}--${r.stand.name}--${r.iteration}.json`);
      const compared = await execa('node', [bin, 'report', resultsDir, '--baseline', baseDir, '--out', join(root, 'compared'), '--fail-on', 'regression'], { reject: false, timeout: 120_000, env: { NO_COLOR: '1' } });
      assert.equal(compared.exitCode, 1, compared.stderr);
      await browser.open(`file://${join(root, 'compared', 'report.html')}`);
      const top = await browser.evaluate<{ baseline: number; matrix: number; regressions: string[] }>(
        `({ baseline: document.getElementById('baseline').getBoundingClientRect().top, matrix: document.querySelector('table.matrix').getBoundingClientRect().top, regressions: [...document.querySelectorAll('ul.regression li')].map((li) => li.textContent) })`,
      );
      assert.ok(top.baseline < top.matrix, `the comparison (${top.baseline} px) is drawn above the matrix (${top.matrix} px)`);
      assert.deepEqual(top.regressions, ['freeze-own-minio @ own-minio: 1/1 pass → 0/1 fail']);
      // the screenshot: the compared report, every run unfolded
      await browser.evaluate(`document.querySelectorAll('details.run').forEach((d) => (d.open = true))`);
      await mkdir(artifacts, { recursive: true });
      const png = await browser.screenshot();
      assert.equal(png.subarray(1, 4).toString(), 'PNG');
      assert.ok(png.length > 20_000, `a screenshot with something on it (${png.length} bytes)`);
      await writeFile(join(artifacts, 'report-timeline.png'), png);
    } finally {
      await browser.close();
    }
  });
});
