import assert from 'node:assert/strict';
import { ReporterMultiplexer } from '../../runner/report/multiplexer.js';
import { buildMatrix } from '../../runner/report/matrix.js';
import type { Reporter } from '../../runner/report/record.js';
import { gate, record } from './fixtures.js';

function sink() {
  const lines: string[] = [];
  return { lines, write: (t: string) => lines.push(t) };
}

/** Drives every hook once per call. */
async function drive(mux: ReporterMultiplexer): Promise<void> {
  const r = record();
  await mux.onSweepStart({ runId: 'x', resultsDir: '/tmp/x', total: 1 });
  await mux.onRunStart(r);
  await mux.onStep(r, { index: 0, title: 'healthy before' });
  await mux.onEvent(r, { type: 'fault.inject', at: 1 });
  await mux.onProgress(r, 'upload', 0.5, '50%');
  await mux.onGate(r, gate());
  await mux.onRunEnd(r);
  await mux.onSweepEnd(buildMatrix([r]), [r]);
}

describe('report/multiplexer', () => {
  it('keeps feeding good reporters when others throw or reject, and reports each failure once', async () => {
    const heard: string[] = [];
    const good: Reporter = {
      name: 'good',
      onRunStart: () => void heard.push('runStart'),
      onGate: async () => void heard.push('gate'),
      onRunEnd: () => void heard.push('runEnd'),
      onSweepEnd: () => void heard.push('sweepEnd'),
    };
    let syncCalls = 0;
    const throwsSync: Reporter = { name: 'sync-thrower', onRunStart: () => { syncCalls++; throw new Error('boom'); }, onRunEnd: () => void syncCalls++ };
    const rejects: Reporter = { name: 'async-rejecter', onGate: async () => { throw new Error('disk full'); } };
    const err = sink();
    const mux = new ReporterMultiplexer([throwsSync, good, rejects], { stderr: err });

    await drive(mux);
    await drive(mux);

    assert.deepEqual(heard, ['runStart', 'gate', 'runEnd', 'sweepEnd', 'runStart', 'gate', 'runEnd', 'sweepEnd']);
    assert.equal(syncCalls, 1, 'a disabled reporter hears nothing more');
    assert.equal(err.lines.length, 2);
    assert.match(err.lines[0]!, /reporter "sync-thrower" failed in onRunStart and was disabled: boom/);
    assert.match(err.lines[1]!, /reporter "async-rejecter" failed in onGate and was disabled: disk full/);
    assert.deepEqual(mux.failures.map((f) => f.reporter), ['sync-thrower', 'async-rejecter']);
    assert.deepEqual(mux.reporters, ['good']);
  });

  it('disables a reporter whose hook hangs past the bound', async () => {
    const err = sink();
    const hangs: Reporter = { name: 'hangs', onRunStart: () => new Promise(() => {}) };
    const mux = new ReporterMultiplexer([hangs], { stderr: err, hookTimeoutMs: 30 });
    await mux.onRunStart(record());
    assert.match(err.lines.join(''), /"hangs" failed in onRunStart .*took longer than 30 ms/);
    assert.deepEqual(mux.reporters, []);
  });

  it('never rejects, even when reporting the failure itself fails', async () => {
    const mux = new ReporterMultiplexer([{ name: 'bad', onRunEnd: () => { throw new Error('x'); } }], {
      stderr: { write: () => { throw new Error('stderr closed'); } },
    });
    await mux.onRunEnd(record());
    assert.equal(mux.failures.length, 1);
  });
});
