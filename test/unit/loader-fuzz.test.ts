/**
 * The loader fuzz (bench/fuzz-loader.ts), a short bounded run: no error other than invalid
 * input, every rejection positioned. Plus a regression test for each thing it found.
 */
import assert from 'node:assert/strict';
import { fuzzLoader } from '../../bench/fuzz-loader.js';
import { parseYaml } from '../../runner/spec/yaml-document.js';
import { formatProblem } from '../../runner/core/errors.js';

describe('loader fuzz', () => {
  it('400 mutants of the shipped scenario and stand files: 0 crashes, every rejection at file:line:col', async function () {
    this.timeout(120_000);
    const res = await fuzzLoader({ iterations: 400, seed: 7 });
    const shown = res.findings.slice(0, 3).map((f) => `${f.kind} ${f.source} (${f.mutation}): ${f.detail}`);
    assert.deepEqual(shown, []);
    assert.equal(res.iterations, 400);
    // the mutants reach both sides: some still load, most are rejected
    assert.ok(res.accepted > 10 && res.rejected > 200, `accepted ${res.accepted}, rejected ${res.rejected}`);
  });

  it('found: an alias bomb was an internal error; now invalid input at the first alias', () => {
    const text = `x: &a [1, 2, 3]\ny: [${Array.from({ length: 200 }, () => '*a').join(', ')}]\n`;
    const { doc, problems } = parseYaml('bomb.yaml', text);
    assert.equal(doc, undefined);
    assert.match(formatProblem(problems[0]!), /^bomb\.yaml:2:5 aliases expand too much \(more than 100 uses\)/);
  });

  it('found: a mapping or alias as a key was stringified with a warning on stderr; now a problem at the key', () => {
    const { problems } = parseYaml('keys.yaml', 'a: &x [1]\n? { timeout: 10m }\n: 1\n*x : 2\n');
    const lines = problems.map(formatProblem);
    assert.deepEqual(lines, ['keys.yaml:2:3 a key must be a plain value, not a mapping, list or alias', 'keys.yaml:4:1 a key must be a plain value, not a mapping, list or alias']);
  });

  it('found: a tag on the wrong kind of node was a warning on stderr; now a problem at it', () => {
    const { problems } = parseYaml('tag.yaml', 'spec: !!binary []\n');
    assert.equal(problems.length, 1);
    assert.match(formatProblem(problems[0]!), /^tag\.yaml:1:7 .*binary/);
  });
});
