/**
 * prometheus and metrics.scrape probes.
 * - metrics.scrape runs against the local stand's real MinIO metrics endpoint.
 * - prometheus runs against a STAND-IN: no Prometheus server runs on this machine, so a
 *   tiny HTTP server on loopback answers /api/v1/query in the Prometheus HTTP API format.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseExposition } from '../../runner/measure/prom-text.js';
import type { Stand } from '../../runner/core/contracts.js';
import { makeContext, openEmbedded } from './harness.js';
import { defaultCatalog } from '../../runner/catalog.js';

const { probes } = defaultCatalog();

const prometheus = probes.get('prometheus')!;
const scrape = probes.get('metrics.scrape')!;

/** The stand-in's answers, by exact query text. */
const answers: Record<string, unknown> = {
  'rate(rustfs_config_lock_timeouts_total[5m])': {
    resultType: 'vector',
    result: [
      { metric: { instance: 'node1' }, value: [1, '0.02'] },
      { metric: { instance: 'node2' }, value: [1, '0.5'] },
    ],
  },
  'sum(rate(rustfs_config_lock_timeouts_total[5m]))': { resultType: 'vector', result: [{ metric: {}, value: [1, '0.05'] }] },
  'scalar(up)': { resultType: 'scalar', result: [1, '1'] },
  'absent_series': { resultType: 'vector', result: [] },
  'range[5m]': { resultType: 'matrix', result: [] },
};

describe('metrics probes', function () {
  this.timeout(60_000);

  describe('prometheus (against a loopback stand-in for the Prometheus HTTP API)', () => {
    let server: Server;
    let url: string;
    const seen: string[] = [];
    before(async () => {
      server = createServer((req, res) => {
        const u = new URL(req.url ?? '/', 'http://x');
        const q = u.searchParams.get('query') ?? '';
        seen.push(`${u.pathname} ${q}`);
        res.setHeader('content-type', 'application/json');
        if (u.pathname !== '/api/v1/query') return void res.writeHead(404).end('{}');
        if (q === 'bad(') return void res.writeHead(400).end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }));
        res.end(JSON.stringify({ status: 'success', data: answers[q] ?? { resultType: 'vector', result: [] } }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => server.close());
    const stand = { name: 'fake', capabilities: new Set(), unsupported: new Map() } as unknown as Stand;

    it('passes when every sample meets the expectation and fails naming the one that does not', async () => {
      const ctx = makeContext(stand, AbortSignal.timeout(10_000));
      const sum = await prometheus.evaluate({ url, query: 'sum(rate(rustfs_config_lock_timeouts_total[5m]))', expect: { lt: 0.1 } }, ctx);
      assert.equal(sum.ok, true);
      const each = await prometheus.evaluate({ url, query: 'rate(rustfs_config_lock_timeouts_total[5m])', expect: { lt: 0.1 } }, ctx);
      assert.equal(each.ok, false);
      assert.match(each.value, /1\/2 samples not < 0.1: \{instance="node2"\} 0.5/);
      assert.equal((await prometheus.evaluate({ url: `${url}/`, query: 'scalar(up)', expect: { eq: 1 } }, ctx)).ok, true);
      assert.ok(seen.includes('/api/v1/query sum(rate(rustfs_config_lock_timeouts_total[5m]))'), 'query sent URL-encoded to /api/v1/query');
    });

    it('no samples: unknown (throws) by default, or the chosen verdict', async () => {
      const ctx = makeContext(stand, AbortSignal.timeout(10_000));
      await assert.rejects(prometheus.evaluate({ url, query: 'absent_series', expect: { gt: 0 } }, ctx), /no samples/);
      assert.equal((await prometheus.evaluate({ url, query: 'absent_series', expect: { gt: 0 }, ifEmpty: 'fail' }, ctx)).ok, false);
      assert.equal((await prometheus.evaluate({ url, query: 'absent_series', expect: { gt: 0 }, ifEmpty: 'pass' }, ctx)).ok, true);
    });

    it('query errors, range vectors and a missing URL cannot be evaluated (throw)', async () => {
      const ctx = makeContext(stand, AbortSignal.timeout(10_000));
      await assert.rejects(prometheus.evaluate({ url, query: 'bad(', expect: { gt: 0 } }, ctx), /HTTP 400/);
      await assert.rejects(prometheus.evaluate({ url, query: 'range[5m]', expect: { gt: 0 } }, ctx), /matrix/);
      await assert.rejects(prometheus.evaluate({ query: 'up', expect: { gt: 0 } }, ctx), /no metrics URL/);
    });
  });

  describe('metrics.scrape (local stand MinIO /metrics)', () => {
    let stand: Stand;
    before(async function () {
      this.timeout(600_000);
      stand = await openEmbedded('local');
    });
    after(async () => stand?.close());

    it('reads a real MinIO metric from the stand metrics URL', async () => {
      const ctx = makeContext(stand, AbortSignal.timeout(20_000));
      const online = await scrape.evaluate({ metric: 'minio_cluster_nodes_online_total', expect: { ge: 1 } }, ctx);
      assert.equal(online.ok, true, online.value);
      const none = await scrape.evaluate({ metric: 'minio_cluster_nodes_online_total', expect: { lt: 1 } }, ctx);
      assert.equal(none.ok, false);
      const count = await scrape.evaluate({ metric: 'minio_cluster_nodes_online_total', aggregate: 'count', expect: { eq: 1 } }, ctx);
      assert.equal(count.ok, true, count.value);
      const server = new URL(stand.metricsUrl!).host;
      const drives = await scrape.evaluate({ metric: 'minio_cluster_drive_online_total', labels: { server }, aggregate: 'sum', expect: { ge: 1, le: 16 } }, ctx);
      assert.equal(drives.ok, true, drives.value);
      await assert.rejects(scrape.evaluate({ metric: 'minio_cluster_drive_online_total', labels: { server: 'elsewhere:1' }, expect: { ge: 0 } }, ctx), /no samples/);
      await assert.rejects(scrape.evaluate({ metric: 'no_such_metric_total', expect: { ge: 0 } }, ctx), /no samples/);
      assert.equal((await scrape.evaluate({ metric: 'no_such_metric_total', expect: { eq: 0 }, aggregate: 'count' }, ctx)).ok, true);
    });
  });

  describe('exposition parser', () => {
    it('parses labels with escapes, special values and timestamps; counts bad lines', () => {
      const { samples, bad } = parseExposition(
        [
          '# HELP x_total a counter',
          '# TYPE x_total counter',
          'x_total{path="/a,b",msg="say \\"hi\\"\\n"} 3 1700000000000',
          'y +Inf',
          'z{} NaN',
          'broken{a="1" 2',
        ].join('\n'),
      );
      assert.equal(bad, 1);
      assert.deepEqual(samples[0], { name: 'x_total', labels: { path: '/a,b', msg: 'say "hi"\n' }, value: 3 });
      assert.equal(samples[1]!.value, Infinity);
      assert.ok(Number.isNaN(samples[2]!.value));
    });
  });
});
