/**
 * One sweep over several named local stands (the global fixture brings them up:
 * FAULTLINE_TEST_STANDS=local-minio,local-seaweedfs[,local-rustfs]) gives one matrix with a
 * column per server; taking one of them down leaves the others serving.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../../../runner/core/files.js';
import type { Matrix, RunRecord } from '../../../runner/report/record.js';
import { localStand } from '../../../runner/stands/local/index.js';
import { siteOf } from '../../../runner/stands/local/layout.js';
import type { ServerName } from '../../../runner/stands/local/servers/index.js';
import { recordingIO, useLocalStand } from '../local/helpers.js';
import { leftoversOf } from './suite.js';

export interface SweepResult {
  matrix: Matrix;
  records: RunRecord[];
}

export function matrixSuite(servers: ServerName[]): void {
  const names = servers.map((s) => `local-${s}`);

  describe(`one sweep over ${names.join(', ')}`, function () {
    const handles = names.map((n) => useLocalStand(n));

    it('gives one matrix of the state-authority suite with a column per server, every gate measured', async function () {
      this.timeout(60 * 60_000);
      const results = await mkdtemp(join(tmpdir(), 'fl-servers-matrix-'));
      const args = ['run', join(packageRoot(), 'scenarios', 'state-authority'), ...names.flatMap((n) => ['--stand', n]), '--results', results, '--json'];
      const r = await execa('node', [join(packageRoot(), 'bin', 'faultline.js'), ...args], { reject: false, timeout: 55 * 60_000, env: { NO_COLOR: '1' } });
      const out = JSON.parse(r.stdout) as SweepResult;
      assert.deepEqual(out.matrix.stands, names);
      assert.equal(out.matrix.scenarios.length, 3);
      assert.equal(out.matrix.cells.length, 3 * names.length);
      for (const rec of out.records) {
        console.log(`      ${rec.stand.name} ${rec.scenario.name}: ${rec.status}${rec.reason ? ` (${rec.reason})` : ''}`);
        for (const g of rec.gates) {
          console.log(`        [${g.verdict}] ${g.name}: ${g.value}`);
          assert.ok(g.value.length > 0, `${rec.stand.name} ${g.name} has a measured value`);
        }
        assert.ok(rec.faults.every((f) => !f.injectedAt || f.revertedAt), `${rec.stand.name} ${rec.scenario.name}: every fault reverted`);
      }
      // MinIO is the reference: it passes the restart (the power-cut gates' 30 s bounds are
      // measured values, found marginal on a loaded 2-core machine; see the README's matrix)
      const minioRestart = out.records.find((x) => x.stand.name === 'local-minio' && x.scenario.name === 'state-authority-restart');
      assert.equal(minioRestart?.status, 'pass', minioRestart?.reason);
      for (const s of handles) assert.ok(s.stand());
    });
  });

  // outside the suite above, whose hooks restore faults on the stands this takes down
  describe(`stand down among ${names.join(', ')}`, function () {
    it('stand down of one named stand leaves the others serving and untouched', async function () {
      this.timeout(900_000);
      const [gone, ...kept] = names;
      const keptStands = await Promise.all(kept.map((n) => localStand.open(n, AbortSignal.timeout(30_000))));
      await localStand.down(gone!, recordingIO());
      assert.deepEqual(await leftoversOf(siteOf(gone)), []);
      for (const s of keptStands) {
        const res = await fetch(s.healthUrl!, { signal: AbortSignal.timeout(10_000) });
        assert.equal(res.status, 200, `${s.name} still healthy`);
      }
      // left up as the fixture brought it
      await localStand.up(gone!, {}, recordingIO(600_000));
    });
  });
}
