/** The node faults: schemas, refusals without side effects, and inject/revert on the real local stand. */
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Capability, Context, FaultDef, NodeDriver, Stand } from '../../runner/core/contracts.js';
import { FaultlineError, UnsupportedError } from '../../runner/core/errors.js';
import { usage } from '../../runner/stands/local/drives.js';
import { procState } from '../../runner/core/proc.js';
import { STOCK_KERNEL, XR_KERNEL } from '../../runner/stands/local/kernel.js';
import { connect, connectFrom, contextFor, useLocalStand, waitHttp } from '../stands/local/helpers.js';
import { defaultCatalog } from '../../runner/catalog.js';

const { faults, probes } = defaultCatalog();

const kinds = ['node.kill', 'node.stop', 'node.pause', 'node.powerOff', 'node.partition', 'disk.fill', 'node.bootKernel'];
const fault = (k: string): FaultDef => faults.get(k)!;

/** A stand whose driver records calls and can do only what `ops` names. */
function fakeStand(ops: Partial<NodeDriver>, caps: Capability[] = ['nodes', 'network', 'disk', 'kernel']): { stand: Stand; calls: string[] } {
  const calls: string[] = [];
  const driver: NodeDriver = { kind: 'fake', list: () => ['a', 'b', 'c'] };
  for (const [k, fn] of Object.entries(ops)) {
    (driver as unknown as Record<string, unknown>)[k] = (...args: unknown[]) => {
      calls.push(`${k}(${args.filter((x) => !(x instanceof AbortSignal)).map((x) => JSON.stringify(x)).join(', ')})`);
      return (fn as (...a: unknown[]) => unknown)(...args);
    };
  }
  const stand: Stand = {
    name: 'fake', driver: 'fake', ref: 'fake', protected: false,
    capabilities: new Set(caps), unsupported: new Map(), nodes: driver, close: async () => {},
  };
  return { stand, calls };
}
const ctxOf = (stand: Stand): Context => ({ signal: AbortSignal.timeout(10_000), stand, emit: () => {}, workloads: { get: () => undefined }, seed: 1, runId: 't' });

describe('node faults: definitions', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });

  it('are registered, each with a schema that rejects unknown fields', () => {
    for (const k of kinds) {
      const f = fault(k);
      assert.ok(f, k);
      assert.equal(f.schema.additionalProperties, false, k);
      assert.equal(ajv.validate(f.schema, { node: 'node1', kernel: 'k', to: '50%', groups: [['a'], ['b']], bogus: 1 }), false, k);
    }
    assert.ok(probes.get('node.kernelPreflight'));
  });

  it('schemas accept what scenarios write and refuse malformed values', () => {
    const ok = (k: string, v: unknown) => assert.equal(ajv.validate(fault(k).schema, v), true, `${k} ${JSON.stringify(v)}: ${ajv.errorsText()}`);
    const bad = (k: string, v: unknown) => assert.equal(ajv.validate(fault(k).schema, v), false, `${k} ${JSON.stringify(v)} should be invalid`);
    ok('node.powerOff', { node: 'node4' });
    bad('node.powerOff', {});
    ok('disk.fill', { node: 'node2', drive: 2, to: '95%' });
    ok('disk.fill', { node: 'node2', to: 'full' });
    bad('disk.fill', { node: 'node2', to: '95' });
    bad('disk.fill', { node: 'node2', to: '120%' });
    bad('disk.fill', { node: 'node2', drive: 0, to: '5%' });
    ok('node.partition', { groups: [['node1', 'node2'], ['node3', 'node4']] });
    ok('node.partition', { isolate: 'node4' });
    bad('node.partition', { groups: [['node1']] });
    bad('node.partition', { isolate: 'node4', groups: [['a'], ['b']] });
    ok('node.bootKernel', { node: 'node3', kernel: XR_KERNEL, force: true });
    bad('node.bootKernel', { node: 'node3' });
    const p = probes.get('node.kernelPreflight')!;
    assert.equal(ajv.validate(p.schema, { node: 'n', kernel: 'k', expect: 'refused' }), true);
    assert.equal(ajv.validate(p.schema, { node: 'n', kernel: 'k', expect: 'maybe' }), false);
  });

  it('throw UnsupportedError in prepare, touching nothing, when the driver lacks the operation or its undo', async () => {
    for (const k of kinds) {
      const { stand, calls } = fakeStand({ bootKernel: async () => 'k0', hasModule: async () => true });
      const spec = { node: 'a', kernel: 'k1', to: '50%', isolate: 'a' };
      await assert.rejects(fault(k).prepare(spec, ctxOf(stand)), (e: unknown) => e instanceof UnsupportedError && /unsupported on this stand/.test(e.message), k);
      assert.deepEqual(calls.filter((c) => !/^(bootKernel|hasModule)/.test(c)), [], `${k} did nothing`);
    }
    const noNodes: Stand = { ...fakeStand({}).stand, nodes: undefined };
    await assert.rejects(fault('node.kill').prepare({ node: 'a' }, ctxOf(noNodes)), UnsupportedError);
    // powerOn without powerOff is not enough either: the undo must exist before the inject.
    const { stand } = fakeStand({ powerOff: async () => {} });
    await assert.rejects(fault('node.powerOff').prepare({ node: 'a' }, ctxOf(stand)), /cannot powerOn/);
  });

  it('refuse unknown nodes and overlapping partition groups as input errors', async () => {
    const { stand } = fakeStand({ kill: async () => {}, start: async () => {}, partition: async () => {}, heal: async () => {} });
    await assert.rejects(fault('node.kill').prepare({ node: 'zz' }, ctxOf(stand)), (e: FaultlineError) => e.code === 'unknown-node' && e.exitCode === 2);
    await assert.rejects(fault('node.partition').prepare({ groups: [['a', 'b'], ['b', 'c']] }, ctxOf(stand)), (e: FaultlineError) => e.code === 'partition-groups');
    const undo = await fault('node.partition').prepare({ isolate: 'b' }, ctxOf(stand));
    assert.deepEqual(undo, { groups: [['b'], ['a', 'c']] });
  });

  it('node.bootKernel: the preflight refuses a kernel without the module unless forced, and records the previous kernel', async () => {
    const { stand, calls } = fakeStand({
      bootKernel: async () => 'stock',
      setBootKernel: async () => {},
      hasModule: async (_n: string, k: string) => k === 'stock',
    });
    await assert.rejects(
      fault('node.bootKernel').prepare({ node: 'a', kernel: 'xr' }, ctxOf(stand)),
      (e: FaultlineError) => e.code === 'preflight-refused' && /has no zfs module/.test(e.message) && /force: true/.test(e.hint ?? ''),
    );
    assert.ok(!calls.some((c) => c.startsWith('setBootKernel')), 'refused before any reboot');
    const undo = await fault('node.bootKernel').prepare({ node: 'a', kernel: 'xr', force: true }, ctxOf(stand));
    assert.deepEqual(undo, { node: 'a', kernel: 'xr', previous: 'stock', module: 'zfs', moduleMissing: true });
    await fault('node.bootKernel').inject({ node: 'a', kernel: 'xr', force: true }, undo, ctxOf(stand));
    await fault('node.bootKernel').revert(undo, ctxOf(stand));
    assert.deepEqual(calls.filter((c) => c.startsWith('setBootKernel')), ['setBootKernel("a", "xr")', 'setBootKernel("a", "stock")']);
  });

  it('disk.fill: undo names the filler up front; without fillPath the revert fills to 0% (replaces the filler with nothing)', async () => {
    const fill = async () => ({ file: '/d/f', bytes: 10 });
    const withPath = fakeStand({ fillDisk: fill, clearFill: async () => {}, fillPath: (n: string, d: number) => `/${n}/${d}/f` } as Partial<NodeDriver>);
    const u1 = await fault('disk.fill').prepare({ node: 'b', drive: 2, to: '80%' }, ctxOf(withPath.stand));
    assert.deepEqual(u1, { node: 'b', drive: 1, file: '/b/1/f' });
    await fault('disk.fill').inject({ node: 'b', drive: 2, to: '80%' }, u1, ctxOf(withPath.stand));
    await fault('disk.fill').revert(u1, ctxOf(withPath.stand));
    assert.deepEqual(withPath.calls.slice(1), ['fillDisk("b", 1, 0.8)', 'clearFill("b", "/b/1/f")']);
    const noPath = fakeStand({ fillDisk: fill, clearFill: async () => {} });
    const u2 = await fault('disk.fill').prepare({ node: 'b', to: 'full' }, ctxOf(noPath.stand));
    await fault('disk.fill').revert(u2, ctxOf(noPath.stand));
    assert.deepEqual(noPath.calls, ['fillDisk("b", 0, 0)']);
  });
});

describe('node faults: on the local stand', function () {
  const h = useLocalStand();
  const live = (i: number) => `http://10.251.0.1${i}:9000/minio/health/live`;

  /** prepare has no side effects, inject does it, revert undoes it, a second revert is harmless. */
  async function cycle(kind: string, spec: unknown, injected: () => Promise<void>, reverted: () => Promise<void>): Promise<void> {
    const ctx = contextFor(h.stand());
    const f = fault(kind);
    const undo = await f.prepare(spec, ctx);
    JSON.parse(JSON.stringify(undo)); // journal-able
    await reverted(); // prepare changed nothing
    await f.inject(spec, undo, ctx);
    await injected();
    await f.revert(undo, ctx);
    await f.revert(undo, ctx);
    await reverted();
  }

  it('node.kill', async () => {
    const d = h.driver();
    await cycle('node.kill', { node: 'node2' },
      async () => assert.equal(await connect('10.251.0.12', 9000, 2000), 'refused'),
      async () => {
        assert.equal((await d.servicePids('node2')).length, 1);
        await waitHttp(live(2), 60_000);
      });
  });

  it('node.stop', async () => {
    const d = h.driver();
    await cycle('node.stop', { node: 'node3' },
      async () => assert.deepEqual(await d.servicePids('node3'), []),
      async () => {
        assert.equal((await d.servicePids('node3')).length, 1);
        await waitHttp(live(3), 60_000);
      });
  });

  it('node.pause', async () => {
    const d = h.driver();
    const state = async () => procState((await d.servicePids('node2'))[0]!);
    await cycle('node.pause', { node: 'node2' },
      async () => assert.equal(await state(), 'T'),
      async () => assert.notEqual(await state(), 'T'));
  });

  it('node.powerOff', async () => {
    const d = h.driver();
    await cycle('node.powerOff', { node: 'node4' },
      async () => {
        assert.equal(await connect('10.251.0.14', 9000, 2000), 'timeout');
        assert.deepEqual(await d.servicePids('node4'), []);
      },
      async () => {
        assert.equal(await d.isPoweredOff('node4', AbortSignal.timeout(10_000)), false);
        await waitHttp(live(4), 60_000);
      });
  });

  it('node.partition', async () => {
    await cycle('node.partition', { isolate: 'node4' },
      async () => {
        assert.equal(await connectFrom('fl-node1', '10.251.0.14', 9000, 1500), 'timeout');
        assert.equal(await connectFrom('fl-node4', '10.251.0.13', 9000, 1500), 'timeout');
      },
      async () => assert.equal(await connectFrom('fl-node1', '10.251.0.14', 9000, 1500), 'connected'));
  });

  it('disk.fill', async () => {
    const drive = h.stand().drives!['node2']![1]!;
    // earlier runs may have left objects on the drive: the undo must free what the fill took
    const before = await usage(drive);
    await cycle('disk.fill', { node: 'node2', drive: 2, to: '80%' },
      async () => {
        const u = await usage(drive);
        assert.ok(u.used >= 0.8 * u.size - 4096, `${u.used} of ${u.size}`);
      },
      async () => {
        const u = await usage(drive);
        assert.ok(u.used <= before.used + 1024 ** 2, `${u.used} of ${u.size}, ${before.used} before the fill`);
      });
  });

  it('node.bootKernel: refused by the preflight, forced it leaves node3 without MinIO, revert brings it back', async () => {
    const d = h.driver();
    const ctx = contextFor(h.stand());
    const f = fault('node.bootKernel');
    await assert.rejects(f.prepare({ node: 'node3', kernel: XR_KERNEL }, ctx), (e: FaultlineError) => e.code === 'preflight-refused');
    assert.equal(await d.bootKernel('node3', ctx.signal), STOCK_KERNEL);
    const probe = probes.get('node.kernelPreflight')!;
    assert.equal((await probe.evaluate({ node: 'node3', kernel: XR_KERNEL, expect: 'refused' }, ctx)).ok, true);
    const no = await probe.evaluate({ node: 'node3', kernel: XR_KERNEL }, ctx);
    assert.equal(no.ok, false);
    assert.match(no.value, /lacks module zfs: reboot refused \(expected allowed\)/);
    assert.equal((await probe.evaluate({ node: 'node3', kernel: STOCK_KERNEL }, ctx)).ok, true);

    const spec = { node: 'node3', kernel: XR_KERNEL, force: true };
    const undo = await f.prepare(spec, ctx);
    assert.equal(undo.previous, STOCK_KERNEL);
    await f.inject(spec, undo, ctx);
    assert.equal(await d.bootKernel('node3', ctx.signal), XR_KERNEL);
    assert.deepEqual(await d.servicePids('node3'), []);
    assert.equal(await connect('10.251.0.13', 9000, 2000), 'refused', 'node up, storage refused');
    assert.match(await readFile(d.layout('node3').log, 'utf8'), /modprobe: FATAL: Module zfs not found/);
    assert.ok(ctx.events.some((e) => e.type === 'node.bootKernel.forced'));
    await f.revert(undo, ctx);
    await f.revert(undo, ctx);
    assert.equal(await d.bootKernel('node3', ctx.signal), STOCK_KERNEL);
    assert.equal((await d.servicePids('node3')).length, 1);
    await waitHttp(live(3), 60_000);
  });
});
