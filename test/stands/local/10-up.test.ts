/** The local stand comes up as a healthy 4x4 erasure-coded cluster, with nothing secret in sight. */
import { strict as assert } from 'node:assert';
import { readFile, stat, statfs } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, CreateBucketCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import { localStand } from '../../../runner/stands/local/index.js';
import { readState } from '../../../runner/stands/local/state.js';
import { mountsUnder } from '../../../runner/stands/local/drives.js';
import { pidsInNetns, isAlive } from '../../../runner/core/proc.js';
import { resolveStand } from '../../../runner/stands/resolve.js';
import { defaultCatalog } from '../../../runner/catalog.js';
import { recordingIO, s3Of, useLocalStand } from './helpers.js';

describe('local stand: up', function () {
  const h = useLocalStand();

  it('answers healthy, and its metrics show one erasure set of 16 drives, all online', async () => {
    const stand = h.stand();
    const health = await fetch(stand.healthUrl!, { signal: AbortSignal.timeout(5000) });
    assert.equal(health.status, 200);
    // public metrics: no credentials on this request
    const text = await (await fetch(stand.metricsUrl!, { signal: AbortSignal.timeout(10_000) })).text();
    const online = [...text.matchAll(/^minio_cluster_health_erasure_set_online_drives\{([^}]*)\} (\d+)/gm)];
    assert.equal(online.length, 1, 'exactly one erasure set');
    assert.match(online[0]![1]!, /set="0"/);
    assert.equal(Number(online[0]![2]), 16);
  });

  it('puts every node in its own namespace with its own address on the bridge', async () => {
    const br = execFileSync('ip', ['-4', '-o', 'addr', 'show', 'dev', 'fl-br0']).toString();
    assert.match(br, /inet 10\.251\.0\.1\/24/);
    for (let i = 1; i <= 4; i++) {
      const addr = execFileSync('ip', ['-n', `fl-node${i}`, '-4', '-o', 'addr', 'show']).toString();
      assert.match(addr, new RegExp(`inet 10\\.251\\.0\\.1${i}/24`));
      assert.match(addr, /\blo\b.*inet 127\.0\.0\.1/);
      const lo = execFileSync('ip', ['-n', `fl-node${i}`, 'link', 'show', 'lo']).toString();
      assert.match(lo, /UP/);
    }
  });

  it('mounts 16 size-limited tmpfs drives, 4 per node, under the state dir', async () => {
    const state = (await readState())!;
    const mounts = (await mountsUnder(state.root)).filter((m) => m.fstype === 'tmpfs');
    assert.equal(mounts.length, 16);
    for (const [node, drives] of Object.entries(h.stand().drives!)) {
      assert.equal(drives.length, 4, node);
      for (const d of drives) {
        assert.ok(mounts.some((m) => m.target === d), `${d} is a tmpfs mount`);
        const s = await statfs(d);
        assert.equal(s.blocks * s.bsize, 1024 ** 3, `${d} is 1 GiB`);
      }
    }
  });

  it('records pid and exact start command of each node; each MinIO lives in its namespace', async () => {
    const state = (await readState())!;
    assert.equal(state.ready, true);
    for (const [name, rec] of Object.entries(state.nodes)) {
      assert.ok(rec.pid && (await isAlive(rec.pid)), `${name} pid alive`);
      assert.deepEqual(await pidsInNetns(rec.layout.netns!), [rec.pid], `${name}: only MinIO runs in ${rec.layout.netns}`);
      assert.equal(rec.command![0], 'nsenter');
      assert.equal(rec.command!.filter((a) => a.startsWith('http://10.251.0.')).length, 16);
      const live = (await readFile(`/proc/${rec.pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
      assert.deepEqual(live, rec.command!.slice(3), 'the running argv is the recorded one');
      assert.equal(rec.env!.MINIO_PROMETHEUS_AUTH_TYPE, 'public');
      assert.match(rec.env!.MINIO_ROOT_PASSWORD!, /^<from /, 'the secret is recorded by reference only');
    }
  });

  it('keeps credentials in a 0600 file and nowhere else: not in state, logs or output', async () => {
    const state = (await readState())!;
    const st = await stat(state.credentialsFile);
    assert.equal(st.mode & 0o777, 0o600);
    const { secretAccessKey } = h.stand().s3!.credentials!;
    assert.ok(secretAccessKey.length >= 32);
    const texts = [await readFile(`${state.root}/state.json`, 'utf8')];
    for (const rec of Object.values(state.nodes)) texts.push(await readFile(rec.layout.log, 'utf8'));
    const io = recordingIO();
    await localStand.up('local', {}, io);
    texts.push(io.lines.join('\n'), (await localStand.status('local', recordingIO())).lines.join('\n'));
    for (const t of texts) assert.ok(!t.includes(secretAccessKey), 'secret leaked');
  });

  it('up again is a no-op that says so', async () => {
    const before = (await readState())!;
    const io = recordingIO();
    await localStand.up('local', {}, io);
    assert.match(io.lines.join('\n'), /already up.*nothing to do/);
    const after = (await readState())!;
    assert.deepEqual(Object.values(after.nodes).map((n) => n.pid), Object.values(before.nodes).map((n) => n.pid));
    assert.equal(after.createdAt, before.createdAt);
  });

  it('status shows health, every node with its address and process, and every drive with used/size', async () => {
    const { up, lines } = await localStand.status('local', recordingIO());
    assert.equal(up, true);
    const text = lines.join('\n');
    assert.match(text, /cluster health: HTTP 200/);
    for (let i = 1; i <= 4; i++) assert.match(text, new RegExp(`node${i}  10\\.251\\.0\\.1${i}:9000  fl-node${i}  power on  MinIO pid \\d+ running`));
    assert.equal(lines.filter((l) => /drives\/d\d .* \/ 1\.0 GiB used/.test(l)).length, 16);
  });

  it('open() describes the stand and its S3 endpoint serves with the generated credentials', async () => {
    const stand = h.stand();
    assert.equal(stand.name, 'local');
    assert.equal(stand.driver, 'local');
    assert.deepEqual([...stand.capabilities].sort(), ['disk', 'kernel', 'metrics', 'network', 'nodes', 's3']);
    assert.equal(stand.s3!.endpoint, 'http://10.251.0.11:9000');
    assert.equal(stand.metricsUrl, 'http://10.251.0.11:9000/minio/v2/metrics/cluster');
    const s3 = s3Of(stand);
    const Bucket = `fl-up-${Date.now()}`;
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'payload' }));
    const body = await (await s3.send(new GetObjectCommand({ Bucket, Key: 'k' }))).Body!.transformToString();
    assert.equal(body, 'payload');
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
    await s3.send(new DeleteBucketCommand({ Bucket }));
    const wrong = s3Of({ ...stand, s3: { ...stand.s3!, credentials: { accessKeyId: 'nobody', secretAccessKey: 'wrong-secret-123' } } });
    await assert.rejects(wrong.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' })), /Access Key|InvalidAccessKeyId|denied/i);
  });

  it('resolves `--stand local` through stands/local.yaml', async () => {
    const stand = await resolveStand('local', defaultCatalog(), AbortSignal.timeout(30_000));
    assert.equal(stand.s3!.endpoint, 'http://10.251.0.11:9000');
    assert.match(stand.ref, /stands\/local\.yaml$/);
    assert.ok(stand.nodes?.powerOff);
  });
});
