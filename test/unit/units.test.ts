import assert from 'node:assert/strict';
import { parseDuration, parsePercent, parseSize, formatDuration } from '../../runner/core/units.js';

describe('units', () => {
  it('parses durations to milliseconds', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('1.5m'), 90_000);
    assert.equal(parseDuration('2h'), 7_200_000);
    assert.equal(parseDuration('30 seconds'), undefined);
    assert.equal(parseDuration('-1s'), undefined);
  });
  it('parses binary and decimal sizes', () => {
    assert.equal(parseSize('256KiB'), 262_144);
    assert.equal(parseSize('3.1GiB'), Math.round(3.1 * 1024 ** 3));
    assert.equal(parseSize('10MB'), 10_000_000);
    assert.equal(parseSize(4096), 4096);
    assert.equal(parseSize('12 bananas'), undefined);
  });
  it('parses percentages as fractions, rejecting > 100%', () => {
    assert.equal(parsePercent('45%'), 0.45);
    assert.equal(parsePercent('99.5%'), 0.995);
    assert.equal(parsePercent('101%'), undefined);
    assert.equal(parsePercent('45'), undefined);
  });
  it('formats durations the way verdicts print them', () => {
    assert.equal(formatDuration(23_400), '23.4 s');
    assert.equal(formatDuration(80), '80 ms');
  });
});
