import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadScenarioFile, loadScenarios } from '../../runner/scenario/load.js';
import { InvalidInputError, formatProblem } from '../../runner/core/errors.js';
import { packageRoot } from '../../runner/core/files.js';
import { defaultCatalog } from '../../runner/catalog.js';

const fixture = (name: string) => join(packageRoot(), 'test', 'fixtures', 'scenarios', name);

describe('scenario loading', () => {
  it('loads a valid scenario into the engine shape', async () => {
    const { scenario, problems } = await loadScenarioFile(fixture('minimal.yaml'), defaultCatalog());
    assert.deepEqual(problems, []);
    assert.equal(scenario!.name, 'minimal');
    assert.equal(scenario!.timeoutMs, 120_000);
    assert.equal(scenario!.steps.length, 2);
    assert.deepEqual(scenario!.steps[1]!.when, { afterMs: 500 });
    assert.equal(scenario!.steps[1]!.type, 'wait');
  });

  it('reports every schema problem at once with file:line:col and path', async () => {
    const { problems } = await loadScenarioFile(fixture('bad-mixed.yaml'), defaultCatalog());
    const lines = problems.map(formatProblem);
    const has = (re: RegExp) => assert.ok(lines.some((l) => re.test(l)), `expected ${re} in:\n${lines.join('\n')}`);
    has(/bad-mixed\.yaml:6:11 spec\.repeat: must be >= 1/);
    has(/bad-mixed\.yaml:10:\d+ spec\.steps\[0\]\.gate\.probe\.no\.such\.probe: unknown kind "no\.such\.probe"/);
    has(/bad-mixed\.yaml:11:17 spec\.steps\[0\]\.gate\.within: must be a duration like 30s/);
    has(/bad-mixed\.yaml:14:7 spec\.steps\[1\]\.extra: unknown field/);
    assert.ok(problems.length >= 4);
  });

  it('reports rules beyond the schema: unknown trigger workload, revert of nothing, misplaced id', async () => {
    const { problems } = await loadScenarioFile(fixture('bad-semantic.yaml'), defaultCatalog());
    const lines = problems.map(formatProblem);
    assert.ok(lines.some((l) => /:8:\d+ spec\.steps\[0\]\.when\.workload: no workload named "upload"/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /:9:\d+ spec\.steps\[1\]\.revert: no earlier fault "node\.powerOff"/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /:11:\d+ spec\.steps\[2\]\.id: only a fault step takes an id/.test(l)), lines.join('\n'));
  });

  it('reports YAML syntax errors with positions', async () => {
    const { problems } = await loadScenarioFile(fixture('bad-syntax.yaml'), defaultCatalog());
    assert.ok(problems.length >= 1);
    assert.ok(problems.every((p) => p.line !== undefined && p.col !== undefined));
    assert.ok(problems.some((p) => /unique|Map keys/i.test(p.message)), problems.map(formatProblem).join('\n'));
  });

  it('loadScenarios throws one error listing the problems of every file', async () => {
    await assert.rejects(loadScenarios([fixture('bad-mixed.yaml'), fixture('bad-semantic.yaml'), fixture('minimal.yaml')], defaultCatalog()), (err: unknown) => {
      assert.ok(err instanceof InvalidInputError);
      assert.ok(err.problems.some((p) => p.file.endsWith('bad-mixed.yaml')));
      assert.ok(err.problems.some((p) => p.file.endsWith('bad-semantic.yaml')));
      assert.equal(err.exitCode, 2);
      return true;
    });
  });

  it('says so when a path holds no scenario', async () => {
    await assert.rejects(loadScenarios([join(packageRoot(), 'results')], defaultCatalog()), /no scenario files/);
  });
});
