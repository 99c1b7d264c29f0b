import assert from 'node:assert/strict';
import { toHtml } from '../../runner/report/html.js';
import { buildMatrix } from '../../runner/report/matrix.js';
import { failedGate, gate, record, sweep, t0 } from './fixtures.js';

describe('report/html', () => {
  it('shows every run, with gates, values and faults', () => {
    const records = sweep();
    const html = toHtml(buildMatrix(records), records);
    assert.equal(html.match(/<details class="run /g)?.length, records.length);
    for (let i = 1; i <= records.length; i++) assert.ok(html.includes(`id="run-${i}"`), `run-${i}`);
    assert.ok(html.includes('power-off-mid-upload @ local #2'));
    assert.ok(html.includes('power-off-mid-upload @ kwok #3'));
    assert.ok(html.includes(failedGate.value));
    assert.ok(html.includes('PutObject: 503 SlowDown'), 'last observation');
    assert.ok(html.includes('power off node4'), 'fault');
    assert.equal(html.match(/<svg class="timeline"/g)?.length, 6, 'a timeline per run that was not skipped');
    assert.match(html, /<rect class="fault-band" data-kind="fault-band" data-id="node\.powerOff" x="[\d.]+" y="\d+" width="[\d.]+"/, 'fault window as a band');
    assert.match(html, /<g class="gate-mark fail" data-kind="gate-mark" data-gate="new upload works within 30s" data-verdict="fail"/, 'failed gate marked failed');
    assert.match(
      html,
      /<td class="cell flaky"><span class="label">2\/3 flaky<\/span> <span class="runs"><a class="run-link pass" href="#run-4"[^>]*>#1<\/a> <a class="run-link fail" href="#run-5"[^>]*>#2<\/a> <a class="run-link pass" href="#run-6"[^>]*>#3<\/a><\/span><\/td>/,
      'the cell links to each of its runs',
    );
    assert.match(html, /<details class="run fail" id="run-5" open>/, 'failed runs start open');
  });

  it('escapes hostile strings and loads nothing from outside', () => {
    const evil = '<script>alert(1)</script>';
    const r = record({
      scenarioName: `x"><img src=x onerror=alert(1)>`,
      status: 'fail',
      gates: [gate({ name: evil, verdict: 'fail', value: `</td>${evil}`, observation: evil })],
      timeline: [{ type: 'fault.inject', at: 0, description: evil }],
    });
    const html = toHtml(buildMatrix([r]), [r]);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<img/i);
    assert.ok(html.includes('&#60;script&#62;alert(1)&#60;/script&#62;'));
    assert.doesNotMatch(html, /\b(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    assert.doesNotMatch(html, /@import|url\(/i);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  });

  it('a large report draws failed runs and the newest run of each cell in full, the other passes in one line', () => {
    const records = Array.from({ length: 320 }, (_, i) =>
      record({ iteration: i + 1, startedAt: t0 + i * 100_000, ...(i % 40 === 7 ? { status: 'fail' as const, gates: [failedGate] } : {}) }),
    );
    const html = toHtml(buildMatrix(records), records);
    assert.equal(html.match(/<details class="run /g)?.length, 8 + 1, 'eight failed runs and the newest');
    assert.equal(html.match(/<p class="run-line pass"/g)?.length, 320 - 9);
    assert.match(html, /<details class="run pass" id="run-320"/, 'the newest in full');
    assert.match(html, /<p class="run-line pass" id="run-1"><span class="badge pass">PASS<\/span> power-off-mid-upload @ local #1 — .*\(record <code>runs\/power-off-mid-upload--local--1\.json<\/code>\)<\/p>/);
    assert.equal(html.match(/class="run-link /g)?.length, 320, 'the matrix still links to every run');
  });
});
