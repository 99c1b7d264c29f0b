import assert from 'node:assert/strict';
import { colorLevel, ConsoleReporter } from '../../runner/report/console.js';
import { buildMatrix } from '../../runner/report/matrix.js';
import { failedGate, gate, record, sweep, t0 } from './fixtures.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, isTTY, columns: 100, write: (t: string) => chunks.push(t), text: () => chunks.join('') };
}

/** A whole run, as the engine would report it. */
function play(c: ConsoleReporter) {
  const records = sweep();
  const r = records[4]!;
  c.onSweepStart({ runId: 'sweep-1', resultsDir: '/results/sweep-1', total: records.length });
  c.onRunStart(r);
  c.onStep(r, { index: 1, title: 'power off node4' });
  c.onEvent(r, { type: 'fault.inject', at: t0 + 12_300, kind: 'node.powerOff', description: 'power off node4' });
  c.onProgress(r, 'upload', 0.45, '1.4 GiB of 3.1 GiB');
  c.onGate(r, gate());
  c.onGate(r, failedGate);
  c.onGate(r, gate({ name: 'nothing lost', verdict: 'unknown', value: 'ledger unreadable', boundMs: undefined }));
  c.onEvent(r, { type: 'fault.revert', at: t0 + 60_000, kind: 'node.powerOff', description: 'power off node4' });
  c.onRunEnd(r);
  c.onSweepEnd(buildMatrix(records), records);
}

describe('report/console', () => {
  it('with NO_COLOR prints no escape codes, even on a TTY', () => {
    const out = stream(true);
    play(new ConsoleReporter({ stream: out, env: { NO_COLOR: '1', TERM: 'xterm-256color' } }));
    const text = out.text();
    assert.ok(!text.includes('\x1b'), JSON.stringify(text.slice(text.indexOf('\x1b') - 20, text.indexOf('\x1b') + 20)));
    assert.ok(text.includes('✔ new upload works within 30s — recovered in 23.4 s (bound 30 s)'));
    assert.ok(text.includes('✘ new upload works within 30s — no success after 30.0 s (bound 30 s)'));
    assert.ok(text.includes('? nothing lost — ledger unreadable'));
    assert.ok(text.includes('+12.3 s ⚡ inject node.powerOff: power off node4'));
    assert.ok(text.includes('↺ revert node.powerOff: power off node4'));
    assert.ok(text.includes('▶ power-off-mid-upload @ local #2/3'));
    assert.ok(text.includes('step 2: power off node4'));
    assert.match(text, /■ FAIL power-off-mid-upload @ local #2 in 83\.4 s — gate failed/);
    assert.match(text, /power-off-mid-upload\s+2\/3 flaky\s+skipped: stand kwok lacks s3/);
    assert.match(text, /NOT GREEN — 9 runs/);
  });

  it('colours when colour is forced, so the check above can fail', () => {
    const out = stream(false);
    play(new ConsoleReporter({ stream: out, env: { FORCE_COLOR: '1' } }));
    assert.match(out.text(), /\x1b\[3\dm✔\x1b\[39m/);
  });

  it('detects colour like Node does', () => {
    const tty = { isTTY: true, write() {}, getColorDepth: () => 8 };
    assert.equal(colorLevel(tty, {}), 2);
    assert.equal(colorLevel(tty, { NO_COLOR: '' }), 0);
    assert.equal(colorLevel(tty, { TERM: 'dumb' }), 0);
    assert.equal(colorLevel({ isTTY: false, write() {} }, {}), 0, 'a pipe gets no colour');
    assert.equal(colorLevel({ isTTY: false, write() {} }, { FORCE_COLOR: '3', NO_COLOR: '1' }), 3, 'FORCE_COLOR wins');
    assert.equal(colorLevel(tty, { FORCE_COLOR: '0' }), 0);
  });

  it('strips terminal escapes and line breaks that events carry', () => {
    const out = stream(false);
    const c = new ConsoleReporter({ stream: out, env: {} });
    c.onEvent(record(), { type: 'fault.revert-failed', at: t0, kind: 'node.powerOff', error: 'ipmi said \x1b]0;pwned\x07no\nsecond line' });
    assert.equal(out.text(), '  +0.0 s ✘ fault.revert-failed node.powerOff — ipmi said ]0;pwnedno second line\n');
  });

  it('without a TTY prints throttled plain progress lines', () => {
    let now = 0;
    const out = stream(false);
    const c = new ConsoleReporter({ stream: out, env: {}, progressIntervalMs: 10_000, now: () => now });
    const r = record();
    for (let i = 0; i < 100; i++) {
      now = i * 50; // 5 s of updates
      c.onProgress(r, 'upload', i / 200, '45%');
    }
    now = 10_000;
    c.onProgress(r, 'upload', 0.6, '');
    c.onProgress(r, 'upload', 0.61, '');
    c.onProgress(r, 'upload', 1, '');
    const lines = out.text().trimEnd().split('\n');
    assert.deepEqual(lines, [
      '  upload [░░░░░░░░░░░░░░░░░░░░]   0%',
      '  upload [████████████░░░░░░░░]  60%',
      '  upload [████████████████████] 100%',
    ]);
    assert.ok(!out.text().includes('\r'));
  });

  it('on a TTY redraws progress in place and keeps it below other lines', () => {
    let now = 0;
    const out = stream(true);
    const c = new ConsoleReporter({ stream: out, env: { NO_COLOR: '1' }, now: () => now });
    const r = record();
    c.onProgress(r, 'upload', 0.25, '');
    now = 500;
    c.onProgress(r, 'upload', 0.5, '');
    now = 1000;
    c.onGate(r, gate());
    assert.ok(out.chunks[0]!.startsWith('\rupload ['));
    assert.ok(out.chunks[1]!.startsWith('\rupload [██████████░'));
    assert.ok(!out.chunks.slice(0, 2).join('').includes('\n'), 'no new line per update');
    const after = out.chunks.slice(2).join('');
    assert.match(after, /^\r {30,}\r  ✔ new upload works within 30s/, 'status line cleared before the gate line');
    assert.match(after, /\n\rupload \[██████████░+\]  50%$/, 'and drawn again below it');
  });
});
