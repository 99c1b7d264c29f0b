/** The watch helper against the real kwok API server: relist on 410, event timing, abort, hard errors. */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { watchUntil } from '../../runner/kube/watch.js';
import { KubeApiError } from '../../runner/kube/errors.js';
import { opts } from '../../runner/kube/client.js';
import { readState } from '../../runner/stands/kwok/state.js';
import { layout } from '../../runner/stands/kwok/layout.js';
import { createNamespace, deleteNamespace, openKwok, referenceWatch } from './harness.js';
import type { Kwok } from './harness.js';

describe('kube watch helper (kwok stand)', function () {
  this.timeout(60_000);
  let k: Kwok;
  let ns: string;
  const cmPath = () => `/api/v1/namespaces/${ns}/configmaps`;

  before(async () => {
    k = await openKwok();
    ns = await createNamespace(k, 'fl-watch');
  });
  after(async () => deleteNamespace(k, ns));

  /**
   * Compacts the stand's etcd at its current revision (through etcd's JSON gateway),
   * so every older resourceVersion is really gone, as after the API server's periodic compaction.
   */
  async function compactEtcd(): Promise<void> {
    const state = await readState(layout());
    const base = `http://127.0.0.1:${state!.ports.etcd}/v3/kv`;
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${base}/${path}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(5_000) });
      assert.equal(res.status, 200, `etcd ${path}`);
      return (await res.json()) as { header: { revision: string } };
    };
    const { header } = await post('range', { key: Buffer.from('/').toString('base64') });
    await post('compaction', { revision: header.revision, physical: true });
  }

  it('relists after 410 Gone when its resourceVersion was compacted away, and still finds the object', async () => {
    // Events are not served from the API server's watch cache, so the watch goes to etcd.
    await k.core.createNamespacedEvent(
      {
        namespace: ns,
        body: {
          metadata: { name: 'seen' },
          involvedObject: { kind: 'ConfigMap', name: 'anything', namespace: ns },
          reason: 'FaultlineTest',
          message: 'watch test',
          type: 'Normal',
          lastTimestamp: new Date(),
        },
      },
      opts(AbortSignal.timeout(10_000)),
    );
    await compactEtcd();
    const relists: string[] = [];
    const r = await watchUntil(k.stand.kube!.kc, {
      source: { path: `/api/v1/namespaces/${ns}/events` },
      signal: AbortSignal.timeout(20_000),
      resourceVersion: '1', // compacted away
      decide: (objs) => objs.find((o) => o.metadata?.name === 'seen')?.reason,
      onRelist: (why) => relists.push(why),
    });
    assert.equal(r.value, 'FaultlineTest');
    assert.equal(r.relists, 1);
    assert.match(relists[0]!, /resourceVersion 1 expired \(410 Gone\)/);
    assert.equal(r.via, 'list', 'found by the relist that followed the 410');
  });

  it('resolves at the arrival of the event that made the predicate true (within 100 ms of an independent watch)', async () => {
    await k.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'flip' }, data: { v: 'a' } } }, opts(AbortSignal.timeout(10_000)));
    const ref = await referenceWatch(k.stand.kube!.kc, cmPath(), { fieldSelector: 'metadata.name=flip' });
    try {
      const waiting = watchUntil(k.stand.kube!.kc, {
        source: { path: cmPath(), fieldSelector: 'metadata.name=flip' },
        signal: AbortSignal.timeout(20_000),
        decide: (objs) => (objs[0]?.data?.v === 'b' ? true : undefined),
      });
      await delay(700);
      const patchedAt = Date.now();
      await k.core.patchNamespacedConfigMap({ namespace: ns, name: 'flip', body: { data: { v: 'b' } } }, opts(AbortSignal.timeout(10_000), { patch: 'merge' }));
      const r = await waiting;
      await delay(200);
      const refEvent = ref.events.find((e) => e.type === 'MODIFIED' && e.obj.data?.v === 'b');
      assert.ok(refEvent, 'the reference watch saw the change');
      assert.equal(r.via, 'event');
      assert.ok(r.at >= patchedAt, 'recorded time is not before the change');
      assert.ok(Math.abs(r.at - refEvent.at) < 100, `recorded ${r.at} vs reference ${refEvent.at}`);
    } finally {
      ref.stop();
    }
  });

  it('aborts promptly with its signal', async () => {
    const started = Date.now();
    await assert.rejects(
      watchUntil(k.stand.kube!.kc, { source: { path: cmPath() }, signal: AbortSignal.timeout(500), decide: () => undefined }),
      (err: Error) => err.name === 'TimeoutError',
    );
    assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
  });

  it('ends at once on an API error that cannot heal (404), instead of retrying until the deadline', async () => {
    const started = Date.now();
    await assert.rejects(
      watchUntil(k.stand.kube!.kc, { source: { path: '/api/v1/nosuchresources' }, signal: AbortSignal.timeout(15_000), decide: () => true }),
      (err: unknown) => err instanceof KubeApiError && err.status === 404,
    );
    assert.ok(Date.now() - started < 5_000);
  });
});
