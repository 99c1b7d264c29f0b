/**
 * prometheus probe against a REAL Prometheus (Debian's `prometheus` package, installed by
 * scripts/bootstrap.sh) scraping the REAL local stand: MinIO's public cluster metrics
 * endpoint (stand.metricsUrl) every second. No stand-in: the probe's query goes to
 * Prometheus's own HTTP API and the samples come from MinIO through a real scrape.
 * The test only reads from the stand, so it may share it with another run.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { pollUntil } from '../../runner/core/abort.js';
import { httpGet } from '../../runner/measure/http-get.js';
import type { Stand } from '../../runner/core/contracts.js';
import { makeContext, openEmbedded } from './harness.js';
import { defaultCatalog } from '../../runner/catalog.js';

const { probes } = defaultCatalog();

const prometheus = probes.get('prometheus')!;
const METRIC = 'minio_cluster_nodes_online_total';

/** A loopback port free right now (Prometheus binds it a moment later). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('prometheus probe against a real Prometheus scraping the local stand', function () {
  this.timeout(120_000);
  let stand: Stand | undefined;
  let dir: string | undefined;
  let child: ResultPromise | undefined;
  let url: string;

  before(async function () {
    this.timeout(600_000);
    stand = await openEmbedded('local');
    assert.ok(stand.metricsUrl, 'the local stand exposes a metrics URL');
    const target = new URL(stand.metricsUrl);
    dir = await mkdtemp(join(tmpdir(), 'faultline-prom-'));
    const config = join(dir, 'prometheus.yml');
    await writeFile(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: minio',
        `    scheme: ${target.protocol.replace(':', '')}`,
        `    metrics_path: ${JSON.stringify(target.pathname)}`,
        '    static_configs:',
        `      - targets: [${JSON.stringify(target.host)}]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const started = Date.now();
    child = execa(
      'prometheus',
      [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      { reject: false, timeout: 15 * 60_000, cleanup: true, stdin: 'ignore' },
    );
    let exited = false;
    void child.then(() => (exited = true));
    // Ready once an instant query returns a sample, i.e. at least one scrape of MinIO landed.
    await pollUntil('prometheus first scrape of the stand', 60_000, AbortSignal.timeout(90_000), async (signal) => {
      if (exited) throw new Error(`prometheus exited early: ${String((await child!).stderr).slice(-1000)}`);
      try {
        const body = JSON.parse(await httpGet(`${url}/api/v1/query?query=${encodeURIComponent(METRIC)}`, signal)) as {
          data?: { result?: unknown[] };
        };
        return body.data?.result?.length ? true : undefined;
      } catch {
        return undefined; // not listening yet
      }
    }, 500);
    console.log(`      prometheus ${url} has samples from ${stand.metricsUrl} after ${Date.now() - started} ms`);
  });

  after(async function () {
    this.timeout(30_000);
    if (child) {
      child.kill('SIGTERM');
      const done = await Promise.race([child.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 10_000).unref())]);
      if (!done) {
        child.kill('SIGKILL');
        await child;
      }
    }
    if (dir) await rm(dir, { recursive: true, force: true });
    await stand?.close();
  });

  it(`passes for ${METRIC} >= 4 and fails an impossible expectation, showing the measured value`, async () => {
    const ctx = makeContext(stand!, AbortSignal.timeout(30_000));
    const ok = await prometheus.evaluate({ url, query: METRIC, expect: { ge: 4 } }, ctx);
    assert.equal(ok.ok, true, ok.value);
    const first = (ok.data as { first: number }).first;
    assert.ok(first >= 4, `measured ${first}`);
    assert.match(ok.value, /sample\(s\) >= 4: \{.*job="minio".*\} \d+/);

    const bad = await prometheus.evaluate({ url: `${url}/`, query: METRIC, expect: { gt: 100 } }, ctx);
    assert.equal(bad.ok, false);
    assert.match(bad.value, /samples not > 100: \{.*\} \d+/);
    const measured = Number(/\} (\d+(?:\.\d+)?)/.exec(bad.value)![1]);
    assert.ok(measured >= 4 && measured <= 100, `value names the measured count: ${bad.value}`);
  });

  it('a query with no samples is unknown (throws) by default', async () => {
    const ctx = makeContext(stand!, AbortSignal.timeout(30_000));
    await assert.rejects(prometheus.evaluate({ url, query: `${METRIC}{job="no-such-job"}`, expect: { ge: 0 } }, ctx), /no samples/);
    await assert.rejects(prometheus.evaluate({ url, query: 'faultline_no_such_metric_total', expect: { ge: 0 } }, ctx), /no samples/);
  });
});
