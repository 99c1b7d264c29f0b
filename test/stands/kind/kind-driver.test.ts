/**
 * The kind node driver. No Docker engine exists on this machine, so these tests run
 * the driver against a `docker` SHIM on PATH (docker-shim.ts) that records every call
 * and fakes container state; they assert the exact docker command lines and their
 * order. On a machine with Docker and a kind cluster, docs/stands-kind-ssh.md says
 * how to run the kind scenarios for real.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { NodeDriver } from '../../../runner/core/contracts.js';
import { FaultlineError } from '../../../runner/core/errors.js';
import { loadStandFile } from '../../../runner/stands/stand-file.js';
import type { NodeSpec } from '../../../runner/core/stand-kind.js';
import { defaultCatalog } from '../../../runner/catalog.js';
import { kindDriver } from '../../../runner/stands/kind/index.js';
import { DockerShim, type ShimContainer } from './docker-shim.js';

const up = (): ShimContainer => ({ running: true, paused: false, networks: ['kind'] });
const cluster = () => ({ 'fl-control-plane': up(), 'fl-worker': up(), 'fl-worker2': up() });
const kube = { kc: undefined as never, context: 'kind-fl' };
const signal = () => AbortSignal.timeout(20_000);
const state = (c: string) => ['inspect', '--type', 'container', '--format', '{{json .State}}', c];
const nets = (c: string) => ['inspect', '--type', 'container', '--format', '{{json .NetworkSettings.Networks}}', c];

function driver(kind: NodeSpec['kind'] = {}, commands: Record<string, string> = {}): NodeDriver {
  const spec: NodeSpec = { driver: 'kind', kind, commands, hosts: { 'control-plane': {}, worker: {}, 'fl-worker2': { drives: '/data' } } };
  return kindDriver.make(spec, { standName: 'kind-fl', kube }).driver;
}

describe('kind node driver (docker CLI shim: no Docker engine here)', function () {
  this.timeout(60_000);
  const shim = new DockerShim();

  before(() => shim.install(cluster()));
  after(() => shim.remove());
  beforeEach(async () => {
    await shim.setState(cluster());
    await shim.take();
  });

  it('maps nodes to kind containers: <cluster>-<role> from the context kind-<cluster>, or as named', async () => {
    const d = driver();
    assert.deepEqual(d.list(), ['control-plane', 'worker', 'fl-worker2']);
    await d.resume!('control-plane', signal());
    await d.resume!('fl-worker2', signal());
    assert.deepEqual(await shim.take(), [state('fl-control-plane'), state('fl-worker2')]);
  });

  it('powerOff kill mode: docker kill (a cut), powerOn: docker start; repeats are no-ops', async () => {
    const d = driver();
    await d.powerOff!('worker', signal());
    await d.powerOff!('worker', signal());
    await d.powerOn!('worker', signal());
    await d.powerOn!('worker', signal());
    assert.deepEqual(await shim.take(), [
      state('fl-worker'), ['kill', '--signal', 'KILL', 'fl-worker'],
      state('fl-worker'),
      state('fl-worker'), ['start', 'fl-worker'],
      state('fl-worker'),
    ]);
  });

  it('powerOff pause mode: docker pause (a hang), powerOn: docker unpause', async () => {
    const d = driver({ powerOff: 'pause' });
    await d.powerOff!('worker', signal());
    assert.equal((await shim.state())['fl-worker']!.paused, true);
    await d.powerOn!('worker', signal());
    assert.deepEqual(await shim.take(), [state('fl-worker'), ['pause', 'fl-worker'], state('fl-worker'), ['unpause', 'fl-worker']]);
  });

  it('pause/resume with docker pause/unpause; pausing a stopped node is an error naming it', async () => {
    const d = driver();
    await d.pause!('worker', signal());
    await d.pause!('worker', signal());
    await d.resume!('worker', signal());
    assert.deepEqual(await shim.take(), [state('fl-worker'), ['pause', 'fl-worker'], state('fl-worker'), state('fl-worker'), ['unpause', 'fl-worker']]);
    await d.powerOff!('worker', signal());
    await assert.rejects(d.pause!('worker', signal()), /kind node worker \(container fl-worker\): cannot pause, the container is exited/);
  });

  it('partition disconnects the other groups from the kind network; heal reconnects only those off it', async () => {
    const d = driver({ network: 'kind' });
    const groups = [['control-plane', 'worker'], ['fl-worker2']];
    await d.partition!(groups, signal());
    await d.partition!(groups, signal());
    await d.heal!(groups, signal());
    assert.deepEqual(await shim.take(), [
      nets('fl-worker2'), ['network', 'disconnect', 'kind', 'fl-worker2'],
      nets('fl-worker2'),
      nets('fl-control-plane'), nets('fl-worker'), nets('fl-worker2'), ['network', 'connect', 'kind', 'fl-worker2'],
    ]);
  });

  it('kill/stop/start a systemd unit inside the node container', async () => {
    const d = driver({ unit: 'kubelet' });
    await d.kill!('worker', signal());
    await d.stop!('worker', signal());
    await d.start!('worker', signal());
    assert.deepEqual(await shim.take(), [
      ['exec', 'fl-worker', 'sh', '-c', 'systemctl kill --signal=KILL kubelet'],
      ['exec', 'fl-worker', 'sh', '-c', 'systemctl stop kubelet'],
      ['exec', 'fl-worker', 'sh', '-c', 'systemctl start kubelet'],
    ]);
  });

  it('kill/stop a named process; start comes from a template', async () => {
    const d = driver({ process: 'rustfs' }, { start: 'setsid {{process}} --name {{container}} >/dev/null 2>&1 &' });
    await d.kill!('fl-worker2', signal());
    await d.start!('fl-worker2', signal());
    assert.deepEqual(await shim.take(), [
      ['exec', 'fl-worker2', 'sh', '-c', 'pkill -KILL -x rustfs; test $? -le 1'],
      ['exec', 'fl-worker2', 'sh', '-c', 'setsid rustfs --name fl-worker2 >/dev/null 2>&1 &'],
    ]);
    const bare = driver();
    assert.equal(bare.kill, undefined, 'no unit, process or template: kill is not offered');
    assert.equal(bare.start, undefined);
  });

  it('fills a drive in the node container with fallocate, sized from df, and clears it', async () => {
    const d = driver();
    assert.equal(d.fillPath!('fl-worker2', 0), '/data/.faultline-fill');
    const fill = await d.fillDisk!('fl-worker2', 0, 0.5, signal());
    await d.clearFill!('fl-worker2', fill.file, signal());
    // 1000000 KiB drive, 100000 KiB used: half full needs 400000 KiB more
    assert.deepEqual(fill, { file: '/data/.faultline-fill', bytes: 400_000 * 1024 });
    assert.deepEqual(await shim.take(), [
      ['exec', 'fl-worker2', 'sh', '-c', 'df -P -k /data && { stat -c %s /data/.faultline-fill 2>/dev/null || echo 0; }'],
      ['exec', 'fl-worker2', 'sh', '-c', 'fallocate -l 409600000 /data/.faultline-fill'],
      ['exec', 'fl-worker2', 'sh', '-c', 'rm -f /data/.faultline-fill'],
    ]);
    assert.equal(d.fillPath!('worker', 0), '/var/local-path-provisioner/.faultline-fill', "kind's local-path volumes by default");
  });

  it('a missing container is an error naming node, container and cluster', async () => {
    const d = kindDriver.make({ driver: 'kind', hosts: { worker3: {} } }, { standName: 'kind-fl', kube }).driver;
    await assert.rejects(d.powerOff!('worker3', signal()), (e: FaultlineError) => {
      assert.match(e.message, /kind node worker3 \(container fl-worker3\): docker inspect exited 1: .*No such container: fl-worker3/);
      assert.match(e.hint ?? '', /kind cluster "fl" up/);
      return true;
    });
  });

  it('a docker call that hangs fails at the bound, naming the node', async () => {
    const d = driver({ commandTimeout: '1s' });
    process.env.FL_DOCKER_HANG = '1';
    const t0 = performance.now();
    try {
      await assert.rejects(d.powerOff!('worker', signal()), /kind node worker \(container fl-worker\): docker inspect: no answer within its bound of 1.0 s/);
    } finally {
      delete process.env.FL_DOCKER_HANG;
    }
    const ms = performance.now() - t0;
    console.log(`      hung docker call failed after ${Math.round(ms)} ms (bound 1s)`);
    assert.ok(ms < 2000, `took ${ms} ms`);
  });

  it('ships an example kind stand file that validates', async () => {
    const sf = await loadStandFile(fileURLToPath(new URL('../../../../stands/examples/kind.yaml', import.meta.url)), defaultCatalog());
    const made = kindDriver.make(sf.spec.nodes!, { standName: sf.metadata.name, kube: { kc: undefined as never, context: sf.spec.kubernetes!.context! } });
    assert.deepEqual(made.capabilities, ['nodes', 'network', 'disk']);
    assert.deepEqual(made.driver.list(), ['rustfs-control-plane', 'rustfs-worker', 'rustfs-worker2']);
    assert.equal(typeof made.driver.kill, 'function');
  });

  it('observes for the proofs of effect: power state, the storage process (frozen = T), drive space', async () => {
    const d = driver({ process: 'minio' });
    assert.deepEqual(await d.powerState!('worker', signal()), { off: false, value: 'container fl-worker is running' });
    assert.deepEqual(await d.serviceProcesses!('worker', signal()), [{ id: '4242@0', state: 'S' }]);
    await d.pause!('worker', signal());
    assert.deepEqual(await d.powerState!('worker', signal()), { off: true, value: 'container fl-worker is paused' });
    // docker exec refuses a paused container: docker top still lists it, every process stopped
    assert.deepEqual(await d.serviceProcesses!('worker', signal()), [{ id: '4242', state: 'T' }]);
    await d.resume!('worker', signal());
    await d.powerOff!('worker', signal());
    assert.deepEqual(await d.powerState!('worker', signal()), { off: true, value: 'container fl-worker is exited' });
    assert.deepEqual(await d.serviceProcesses!('worker', signal()), []);
    await d.powerOn!('worker', signal());
    assert.deepEqual(await d.serviceProcesses!('worker', signal()), [{ id: '4242@1', state: 'S' }], 'a new boot, a new process');
    assert.deepEqual(await d.driveSpace!('fl-worker2', 0, signal()), { size: 1_000_000 * 1024, free: 900_000 * 1024 });
    const calls = await shim.take();
    assert.ok(calls.some((c) => c.join(' ') === 'exec fl-worker2 df -P -k /data'), JSON.stringify(calls));
    assert.ok(calls.some((c) => c.join(' ') === 'top fl-worker -o pid,comm'));
    // without nodes.kind.process there is nothing to look for: no serviceProcesses, so kill/stop/pause proofs say so
    assert.equal(driver().serviceProcesses, undefined);
  });
});
