/**
 * Mocha global fixture (`.mocharc.json` requires it): the embedded stands the integration
 * suites use are brought up once per test run, before any suite, one at a time and under a
 * lock, so concurrent test runs and suites never race a stand up or a tool build. Suites
 * only open them. FAULTLINE_TEST_STANDS picks which (default: local,kwok,cluster,local-minio,local-seaweedfs; named
 * instances too, e.g. local-seaweedfs, whose suffix picks the server). A Ctrl-C
 * cancels a build in progress; the stands are left up for the next run (`stand down`).
 */
import type { StandIO } from '../runner/core/stand-kind.js';
import { withLockFile } from '../runner/core/lock.js';
import { stateDir } from '../runner/core/files.js';
import { deadline } from '../runner/core/abort.js';
import { defaultCatalog } from '../runner/catalog.js';
import { standKindOf } from '../runner/stands/resolve.js';

/** the first kwok build is ~13 min of Go on 2 idle cores; a busy machine takes a few times that */
const UP_MS = 75 * 60_000;

export function testStands(): string[] {
  return (process.env.FAULTLINE_TEST_STANDS ?? 'local,kwok,cluster,local-minio,local-seaweedfs').split(',').map((s) => s.trim()).filter(Boolean);
}

export async function mochaGlobalSetup(): Promise<void> {
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort(new Error('interrupted by SIGINT'));
  process.once('SIGINT', onSigint);
  try {
    for (const name of testStands()) {
      // a kind's name, or an instance of one (local-seaweedfs)
      const kind = standKindOf(name, defaultCatalog());
      if (!kind) throw new Error(`FAULTLINE_TEST_STANDS names ${name}, which is no embedded stand`);
      const io: StandIO = { signal: deadline(interrupt.signal, UP_MS, `bringing the ${name} stand up for the tests`), log: (l) => process.stderr.write(`  [${name}] ${l}\n`) };
      await withLockFile(stateDir(`${name}.test-up.lock`), io.signal, UP_MS, `another test run bringing ${name} up`, async () => {
        if ((await kind.status(name, io)).up) return;
        const started = Date.now();
        process.stderr.write(`test fixture: bringing the ${name} stand up (builds what is missing)\n`);
        await kind.up(name, {}, io);
        process.stderr.write(`test fixture: ${name} up in ${Math.round((Date.now() - started) / 1000)} s\n`);
      });
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}
