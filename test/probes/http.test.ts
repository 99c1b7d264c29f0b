/** http probe: status and latency bounds against a local server and the local stand's health endpoint. */
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import probe from '../../runner/probes/http.js';
import { bareStand, ctxFor, useLocalStand } from './helpers.js';

describe('probe http', function () {
  this.timeout(30_000);
  let server: Server;
  let base = '';

  before(async () => {
    server = createServer((req, res) => {
      const slow = req.url === '/slow';
      setTimeout(() => {
        res.statusCode = req.url === '/down' ? 503 : 200;
        res.end('body never shown');
      }, slow ? 400 : 0);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const ctx = () => ctxFor(bareStand({ healthUrl: `${base}/health` }));

  it('passes on 200 within the bound: "HTTP 200 in N ms"', async () => {
    const obs = await probe.evaluate({}, ctx());
    assert.equal(obs.ok, true);
    assert.match(obs.value, /^HTTP 200 in \d+ ms$/);
    assert.ok(!obs.value.includes('body'));
  });

  it('fails on a wrong status, and on a slow answer', async () => {
    const down = await probe.evaluate({ url: `${base}/down` }, ctx());
    assert.equal(down.ok, false);
    assert.match(down.value, /^HTTP 503 in \d+ ms \(want 200\)$/);
    assert.equal((await probe.evaluate({ url: `${base}/down`, status: 503 }, ctx())).ok, true);
    const slow = await probe.evaluate({ url: `${base}/slow`, maxLatency: '100ms' }, ctx());
    assert.equal(slow.ok, false);
    assert.match(slow.value, /^HTTP 200 in \d+ ms \(over 100 ms\)$/);
  });

  it('fails (not unknown) when nothing answers', async () => {
    // a port nothing listens on
    const probeServer = createServer();
    await new Promise<void>((r) => probeServer.listen(0, '127.0.0.1', r));
    const closed = (probeServer.address() as AddressInfo).port;
    await new Promise<void>((r) => probeServer.close(() => r()));
    const refused = await probe.evaluate({ url: `http://127.0.0.1:${closed}/` }, ctx());
    assert.equal(refused.ok, false);
    assert.match(refused.value, /ECONNREFUSED/);
    const timeout = await probe.evaluate({ url: `${base}/slow`, timeout: '100ms' }, ctx());
    assert.equal(timeout.ok, false);
    assert.match(timeout.value, /no answer within 100 ms/);
  });
});

describe('probe http (local stand health)', function () {
  this.timeout(120_000);
  const h = useLocalStand();

  it('the cluster health endpoint answers 200 within 5 s', async () => {
    const obs = await probe.evaluate({ maxLatency: '5s' }, ctxFor(h.stand()));
    assert.equal(obs.ok, true, obs.value);
    assert.match(obs.value, /^HTTP 200 in \d+ ms$/);
  });
});
