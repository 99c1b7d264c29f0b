/**
 * Scenario params: types and defaults, the override order (default < stand file < --param),
 * problems at file:line:col (unknown, ill-typed, unresolved), resolved values checked by the
 * schema at the reference, `if:`, empty documents, and the environment commands get.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile, loadScenarios, type LoadOptions } from '../../runner/scenario/load.js';
import { InvalidInputError, formatProblem } from '../../runner/core/errors.js';
import { readStandSettings } from '../../runner/cli/scenario-inputs.js';
import { loadStandFile } from '../../runner/stands/stand-file.js';
import { standEnv } from '../../runner/core/stand-env.js';
import { paramValues, parseParamFlags } from '../../runner/scenario/params.js';
import type { Stand } from '../../runner/core/contracts.js';
import { defaultCatalog } from '../../runner/catalog.js';

const catalog = defaultCatalog();

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fl-params-'));
});

async function file(name: string, text: string): Promise<string> {
  const f = join(dir, name);
  await writeFile(f, text);
  return f;
}

const cli = (...flags: string[]): LoadOptions => ({ params: { cli: parseParamFlags(flags).values } });

/** A scenario using a param of every kind of use. */
const typed = `apiVersion: faultline/v1
kind: Scenario
metadata: { name: typed }
spec:
  params:
    node: { type: string, default: node4, description: node to stop }
    count: { type: integer, default: 2 }
    bound: { type: duration, default: 30s }
    keys: { type: list, default: [a/1, a/2] }
    stop: { type: boolean, default: true }
  steps:
    - if: \${{ params.stop }}
      fault: { node.stop: { node: "\${{ params.node }}" } }
    - gate: { name: "deep check on \${{ params.node }} (\${{ params.count }} keys)", probe: { s3.deepCheck: { bucket: bkt, keys: "\${{ params.keys }}" } }, within: "\${{ params.bound }}" }
    - gate:
        name: pods
        probe: { k8s.podsReady: { namespace: ns, selector: app=x, count: "\${{ params.count }}" } }
`;

describe('scenario params', () => {
  it('a whole value keeps its type; inside a string it is interpolated; defaults apply', async () => {
    const { scenario, problems } = await loadScenarioFile(await file('typed.yaml', typed), catalog);
    assert.deepEqual(problems, []);
    const [stop, deep, pods] = scenario!.steps;
    assert.equal(stop!.type, 'fault');
    assert.deepEqual((stop as { spec: unknown }).spec, { node: 'node4' });
    assert.equal(deep!.title, 'deep check on node4 (2 keys)');
    assert.deepEqual((deep as { gate: { spec: unknown } }).gate.spec, { bucket: 'bkt', keys: ['a/1', 'a/2'] });
    assert.equal((deep as { gate: { boundMs: number } }).gate.boundMs, 30_000);
    assert.strictEqual(((pods as { gate: { spec: { count: unknown } } }).gate.spec).count, 2);
    assert.deepEqual(scenario!.params!.node, { type: 'string', value: 'node4', source: 'default', description: 'node to stop' });
  });

  it('override order: default < stand file < --param, each source recorded', async () => {
    const scn = await file('order.yaml', typed);
    const standFile = await file(
      'stand.yaml',
      `apiVersion: faultline/v1
kind: Stand
metadata: { name: s }
spec:
  s3: { endpoint: "http://127.0.0.1:1" }
  params:
    node: node2
    count: 7
    unrelated: x
`,
    );
    const settings = (await readStandSettings(standFile, catalog))!;
    const fromStand = await loadScenarioFile(scn, catalog, { params: { stand: settings.params } });
    assert.equal(fromStand.scenario!.params!.node!.value, 'node2');
    assert.equal(fromStand.scenario!.params!.node!.source, 'stand');
    assert.equal(fromStand.scenario!.params!.bound!.source, 'default');
    const both = await loadScenarioFile(scn, catalog, { params: { stand: settings.params, cli: parseParamFlags(['node=node3', 'keys=x,y', 'stop=false']).values } });
    assert.deepEqual(paramValues(both.scenario!.params), { node: 'node3', count: 7, bound: '30s', keys: ['x', 'y'], stop: false });
    assert.equal(both.scenario!.params!.node!.source, 'cli');
    // stop=false leaves the fault step out
    assert.equal(both.scenario!.steps.length, 2);
  });

  it('an ill-typed stand file value is reported at the stand file position', async () => {
    const standFile = await file(
      'bad-stand.yaml',
      `apiVersion: faultline/v1
kind: Stand
metadata: { name: s }
spec:
  params:
    count: many
`,
    );
    const settings = (await readStandSettings(standFile, catalog))!;
    const { problems } = await loadScenarioFile(await file('t1.yaml', typed), catalog, { params: { stand: settings.params } });
    const lines = problems.map(formatProblem);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, /bad-stand\.yaml:6:12 spec\.params\.count: must be a whole number \(param type integer\), got "many" \(declared in .*t1\.yaml\)/);
  });

  it('ill-typed --param and default, unknown --param, bad --param syntax', async () => {
    const scn = await file('t2.yaml', typed.replace('bound: { type: duration, default: 30s }', 'bound: { type: duration, default: soon }'));
    const { problems } = await loadScenarioFile(scn, catalog, cli('count=lots'));
    const lines = problems.map(formatProblem);
    assert.ok(lines.some((l) => /t2\.yaml:8:39 spec\.params\.bound\.default: must be a duration like 30s \(param type duration\), got "soon"/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^--param count=lots must be a whole number/.test(l)), lines.join('\n'));

    await assert.rejects(loadScenarios([await file('t3.yaml', typed)], catalog, cli('nodee=node1')), (err: unknown) => {
      assert.ok(err instanceof InvalidInputError);
      assert.match(formatProblem(err.problems[0]!), /^--param nodee unknown param: no scenario here declares it \(declared: bound, count, keys, node, stop\)/);
      return true;
    });
    const flags = parseParamFlags(['novalue', '=x', 'ok=1']);
    assert.equal(flags.problems.length, 2);
    assert.deepEqual([...flags.values], [['ok', '1']]);
  });

  it('an unresolved, malformed or misplaced reference is reported at its position', async () => {
    const scn = await file(
      'refs.yaml',
      `apiVersion: faultline/v1
kind: Scenario
metadata: { name: "refs-\${{ params.node }}" }
spec:
  params:
    node: { type: string, default: n1 }
    keys: { type: list, default: [a] }
  steps:
    - wait: \${{ params.nope }}
    - fault: { node.stop: { node: "\${{ param.node }}" } }
    - fault: { node.kill: { node: "x-\${{ params.node" } }
    - gate: { name: "keys \${{ params.keys }}", probe: { http: {} } }
    - gate: { name: g, probe: { http: { "\${{ params.node }}": 1 } } }
`,
    );
    const lines = (await loadScenarioFile(scn, catalog)).problems.map(formatProblem);
    const has = (re: RegExp) => assert.ok(lines.some((l) => re.test(l)), `expected ${re} in:\n${lines.join('\n')}`);
    has(/refs\.yaml:9:13 spec\.steps\[0\]\.wait: unresolved reference: no param "nope" in spec\.params \(declared: node, keys\)/);
    has(/refs\.yaml:10:35 spec\.steps\[1\]\.fault\.node\.stop\.node: unknown reference "\$\{\{ param\.node \}\}": write \$\{\{ params\.<name> \}\}/);
    has(/refs\.yaml:11:35 spec\.steps\[2\]\.fault\.node\.kill\.node: unclosed reference/);
    has(/refs\.yaml:12:21 spec\.steps\[3\]\.gate\.name: params\.keys is a list: use it as a whole value/);
    has(/refs\.yaml:13:41 spec\.steps\[4\]\.gate\.probe\.http\.\$\{\{ params\.node \}\}: a reference goes in a value, not in a key/);
    has(/refs\.yaml:3:19 metadata\.name: references work under spec only/);
  });

  it('a resolved value is checked by the schema, at the reference, naming the param', async () => {
    const scn = await file('schema.yaml', typed);
    const lines = (await loadScenarioFile(scn, catalog, cli('keys=', 'count=0'))).problems.map(formatProblem);
    // count 0 violates k8s.podsReady's minimum; the position is the reference's
    assert.ok(lines.some((l) => /schema\.yaml:17:74 spec\.steps\[2\]\.gate\.probe\.k8s\.podsReady\.count: .*\(from params\.count = 0, set by --param\)/.test(l)), lines.join('\n'));
    const bad = await loadScenarioFile(scn, catalog, cli('bound=30'));
    assert.match(bad.problems.map(formatProblem).join('\n'), /--param bound=30 must be a duration like 30s/);
  });

  it('if: false leaves a step out; its revert goes too; a since naming it counts from the gate', async () => {
    const scn = await file(
      'if.yaml',
      `apiVersion: faultline/v1
kind: Scenario
metadata: { name: if }
spec:
  params: { create: { type: boolean, default: false } }
  steps:
    - id: setup
      if: \${{ params.create }}
      fault: { k8s.apply: { objects: [{ apiVersion: v1, kind: Namespace, metadata: { name: x } }] } }
    - gate: { name: ready, probe: { k8s.nodeReady: { node: n1 } }, within: 10s, since: setup }
    - revert: setup
    - if: \${{ params.create }}
      wait: 1s
`,
    );
    const off = await loadScenarioFile(scn, catalog);
    assert.deepEqual(off.problems, []);
    assert.deepEqual(off.scenario!.steps.map((s) => s.type), ['gate']);
    assert.equal((off.scenario!.steps[0] as { gate: { since?: string } }).gate.since, undefined);
    const on = await loadScenarioFile(scn, catalog, cli('create=true'));
    assert.deepEqual(on.scenario!.steps.map((s) => s.type), ['fault', 'gate', 'revert', 'wait']);
    assert.equal((on.scenario!.steps[1] as { gate: { since?: string } }).gate.since, 'setup');
    const notBool = await loadScenarioFile(await file('if2.yaml', `apiVersion: faultline/v1
kind: Scenario
metadata: { name: if2 }
spec:
  steps:
    - { if: "yes", wait: 1s }
`), catalog);
    assert.match(notBool.problems.map(formatProblem).join('\n'), /if2\.yaml:6:13 spec\.steps\[0\]\.if: must be boolean/);
  });

  for (const [what, text] of [
    ['only a comment', '# nothing here\n'],
    ['only ~', '~\n'],
    ['nothing at all', ''],
    ['a list', '- a\n- b\n'],
    ['a string', 'hello\n'],
  ] as const) {
    it(`a scenario file holding ${what} is invalid input at its position, not a crash`, async () => {
      const f = await file(`empty-${what.replace(/\W/g, '')}.yaml`, text);
      const { problems } = await loadScenarioFile(f, catalog);
      assert.equal(problems.length, 1);
      assert.match(formatProblem(problems[0]!), /:1:1 (holds no document|is a (list|string)); a scenario is a mapping/);
      await assert.rejects(loadStandFile(f, catalog), (err: unknown) => {
        assert.ok(err instanceof InvalidInputError, String(err));
        assert.match(formatProblem(err.problems[0]!), /:1:1 (holds no document|is not a mapping); a stand file is a mapping/);
        return true;
      });
    });
  }

  it('commands get the params as FAULTLINE_PARAM_<NAME> (lists comma-joined)', () => {
    const stand = { name: 's', driver: 'file' } as Stand;
    const env = standEnv(stand, '/x', { stateBucket: 'tofu-state', keys: ['a', 'b'], replicas: 3, create: false });
    assert.equal(env.FAULTLINE_PARAM_STATE_BUCKET, 'tofu-state');
    assert.equal(env.FAULTLINE_PARAM_KEYS, 'a,b');
    assert.equal(env.FAULTLINE_PARAM_REPLICAS, '3');
    assert.equal(env.FAULTLINE_PARAM_CREATE, 'false');
  });
});

describe('editor schema (scenario.schema.json)', () => {
  it('accepts every shipped scenario as written, references included; the loader schema does not', async () => {
    const { editorSchema } = await import('../../runner/scenario/editor-schema.js');
    const { scenarioSchema } = await import('../../runner/scenario/schema.js');
    const { expandScenarioPaths } = await import('../../runner/scenario/load.js');
    const { readYaml, validateAgainst } = await import('../../runner/spec/yaml-document.js');
    const { packageRoot } = await import('../../runner/core/files.js');
    // one compiled copy; without $id, which the loader's schema has too
    const { $id: _id, ...editor } = editorSchema(catalog);
    let withRefs = 0;
    for (const f of await expandScenarioPaths([join(packageRoot(), 'scenarios')])) {
      const { doc } = await readYaml(f);
      assert.deepEqual(validateAgainst(doc!, editor).map(formatProblem), [], f);
      if (validateAgainst(doc!, scenarioSchema(catalog)).length) withRefs++;
    }
    assert.ok(withRefs >= 5, `only ${withRefs} shipped scenarios need the references allowed`);
  });
});
