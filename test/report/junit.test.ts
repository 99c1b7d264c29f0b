import assert from 'node:assert/strict';
import { toJUnit } from '../../runner/report/junit.js';
import { buildMatrix } from '../../runner/report/matrix.js';
import { all, parseXml } from './xml.js';
import { failedGate, gate, record, sweep } from './fixtures.js';

describe('report/junit', () => {
  it('the XML checker used below rejects what is not well-formed', () => {
    assert.throws(() => parseXml('<a><b></a>'), /does not close/);
    assert.throws(() => parseXml('<a>&</a>'), /bad entity/);
    assert.throws(() => parseXml('<a x="<"/>'), /raw </);
    assert.throws(() => parseXml('<a x="1" x="2"/>'), /duplicate/);
    assert.throws(() => parseXml('<a/><b/>'), /second root/);
    assert.equal(parseXml('<a t="&lt;&#10;">x &amp; y</a>').attrs.t, '<\n');
  });

  it('has a testsuite per scenario and a testcase per run, with counts and seconds', () => {
    const records = sweep();
    const root = parseXml(toJUnit(buildMatrix(records), records));
    assert.equal(root.name, 'testsuites');
    assert.equal(root.attrs.tests, '9');
    assert.equal(root.attrs.failures, '1');
    assert.equal(root.attrs.skipped, '3');
    const suites = all(root, 'testsuite');
    assert.deepEqual(suites.map((s) => s.attrs.name), ['deep-check', 'power-off-mid-upload']);
    assert.deepEqual(suites.map((s) => all(s, 'testcase').length), [3, 6]);
    const tc = all(suites[1]!, 'testcase');
    assert.equal(tc[1]!.attrs.name, 'power-off-mid-upload @ local #2');
    assert.equal(tc[1]!.attrs.time, '83.400');
    assert.match(suites[0]!.attrs.timestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  it('carries failed and unknown gates as a failure with value and bound', () => {
    const r = record({
      status: 'fail',
      gates: [gate({ name: 'healthy before' }), failedGate, gate({ name: 'nothing lost', verdict: 'unknown', value: 'ledger unreadable: timeout', boundMs: 5_000 })],
    });
    const tc = all(parseXml(toJUnit(buildMatrix([r]), [r])), 'testcase')[0]!;
    const failures = all(tc, 'failure');
    assert.equal(failures.length, 1);
    const msg = failures[0]!.attrs.message!;
    assert.match(msg, /new upload works within 30s — fail: no success after 30\.0 s \(bound 30 s\)/);
    assert.match(msg, /nothing lost — unknown: ledger unreadable: timeout \(bound 5 s\)/);
    assert.doesNotMatch(msg, /healthy before/);
    assert.match(failures[0]!.text, /last observation: PutObject: 503 SlowDown/);
  });

  it('marks skipped runs with why, and errors and interruptions as <error>', () => {
    const records = [
      record({ iteration: 1, status: 'skipped', reason: 'stand kwok lacks s3', gates: [] }),
      record({ iteration: 2, status: 'error', reason: 'step 2 (power off node4): ssh: connection refused', gates: [] }),
      record({ iteration: 3, status: 'interrupted', reason: 'interrupted during step 4' }),
    ];
    const tcs = all(parseXml(toJUnit(buildMatrix(records), records)), 'testcase');
    assert.equal(all(tcs[0]!, 'skipped')[0]!.attrs.message, 'stand kwok lacks s3');
    assert.equal(all(tcs[0]!, 'failure').length + all(tcs[0]!, 'error').length, 0);
    const err = all(tcs[1]!, 'error')[0]!;
    assert.equal(err.attrs.type, 'error');
    assert.match(err.attrs.message!, /ssh: connection refused/);
    assert.equal(all(tcs[2]!, 'error')[0]!.attrs.type, 'interrupted');
  });

  it('escapes hostile names and drops characters XML cannot hold', () => {
    const evil = `<script>alert("x")</script> & 'q' \u0001 ]]> line\nbreak`;
    const r = record({ scenarioName: evil, status: 'fail', gates: [gate({ name: evil, verdict: 'fail', value: `a < b && c > d` })] });
    const xml = toJUnit(buildMatrix([r]), [r]);
    assert.ok(!xml.includes('<script>'));
    const root = parseXml(xml);
    const suite = all(root, 'testsuite')[0]!;
    assert.equal(suite.attrs.name, evil.replace('\u0001', '\ufffd'), 'attribute round-trips, line break included');
    assert.match(all(suite, 'failure')[0]!.attrs.message!, /a < b && c > d/);
  });
});
