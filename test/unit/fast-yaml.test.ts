/**
 * The loader's fast path (spec/fast-yaml.ts, js-yaml) against yaml's parseDocument: the same
 * value for every shipped scenario and every scalar form, everything they could read
 * differently left to yaml, and the loader's output (scenario or positioned problems)
 * identical to a yaml-only load on the fuzz's mutants.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { corpus, mutant } from '../../bench/fuzz-loader.js';
import { defaultCatalog } from '../../runner/catalog.js';
import { formatProblem } from '../../runner/core/errors.js';
import { packageRoot } from '../../runner/core/files.js';
import { seededRandom } from '../../runner/core/random.js';
import { checkScenario, expandScenarioPaths, loadScenarioFile } from '../../runner/scenario/load.js';
import { fastDocument } from '../../runner/spec/fast-yaml.js';
import { parseYaml } from '../../runner/spec/yaml-document.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';

const catalog = defaultCatalog();

/** yaml's value of a text, or undefined when yaml reports a problem. */
const slow = (text: string) => parseYaml('t.yaml', text).doc?.value;

/** What the loader gave before the fast path: yaml's document through the same checks. */
function yamlOnly(file: string, text: string) {
  const { doc, problems } = parseYaml(file, text);
  return doc ? checkScenario(doc, catalog, {}) : { problems };
}

describe('fast YAML path', () => {
  it('reads every shipped scenario, to the value yaml gives', async () => {
    const files = await expandScenarioPaths([join(packageRoot(), 'scenarios')]);
    assert.ok(files.length >= 15, `${files.length} files`);
    for (const f of files) {
      const text = await readFile(f, 'utf8');
      const fast = fastDocument(f, text);
      assert.ok(fast, `${f} was left to yaml`);
      assert.ok(isDeepStrictEqual(fast.value, slow(text)), `${f}: the parsers disagree`);
    }
  });

  it('resolves scalars by the YAML 1.2 core schema, as yaml does (yes/no/on/off, octal, hex, inf, nan, null, dates are strings)', () => {
    const forms = ['yes', 'no', 'on', 'off', 'y', 'n', 'True', 'TRUE', 'tRUE', 'false', '0o17', '017', '0x1F', '0X1F', '0b11', '1_000', '+5', '-0', '1e3', '1E-2', '.5', '1.', '-.inf', '.Inf', '.nan', '.NaN', 'nan', '~', 'null', 'Null', 'NULL', 'nULL', '', '2001-12-14', '12:30:00', '<<', '"1"', "'true'", '00', '1.0', '0.10'];
    const text = forms.map((v, i) => `k${i}: ${v}`).join('\n') + '\n';
    const fast = fastDocument('t.yaml', text);
    assert.ok(fast, 'left to yaml');
    const want = slow(text) as Record<string, unknown>;
    for (const [i, v] of forms.entries()) assert.ok(Object.is((fast.value as Record<string, unknown>)[`k${i}`], want[`k${i}`]), `${v}: fast ${String((fast.value as Record<string, unknown>)[`k${i}`])}, yaml ${String(want[`k${i}`])}`);
    // block scalars, merge keys as plain keys, a few aliases: the same as well
    const more = 'a: &x [1, {b: c}]\nb: [*x, *x]\n<<: {m: 1}\nc: |-\n  one\n\n  two\nd: >\n  folded\n  line\n\n';
    assert.ok(isDeepStrictEqual(fastDocument('t.yaml', more)?.value, slow(more)));
  });

  it('leaves to yaml what the two could read differently, and what js-yaml refuses', () => {
    const left: Record<string, string> = {
      'an explicit tag': 'a: !!int 1\n',
      'a non-specific tag': 'a: ! 12\n',
      'a local tag': 'a: !thing 12\n',
      'a directive (YAML 1.1 reads yes as true)': '%YAML 1.1\n---\na: yes\n',
      'an explicit key': '? a\n: 1\n',
      'a flow collection as key': '[a]: 1\n',
      'a null key (yaml: "")': '~: 1\n',
      'an alias as key': 'a: &x 1\n*x : 2\n',
      'an anchor ending in :': 'a: &x: 1\n',
      'a cycle': 'a: &x {b: *x}\n',
      'more aliases than yaml might allow': `x: &a [1]\ny: [${Array.from({ length: 13 }, () => '*a').join(', ')}]\n`,
      'a flow end at a line start (yaml warns)': 'a: [1,\n]\n',
      'a duplicate key': 'a: 1\na: 2\n',
      'two documents': 'a: 1\n---\nb: 2\n',
      'a syntax error': 'a: [1\n',
      'a tab as indentation': 'a:\n\tb: 1\n',
    };
    for (const [what, text] of Object.entries(left)) assert.equal(fastDocument('t.yaml', text), undefined, what);
  });

  it('a file with a problem is read again by yaml: duplicate key, bad type, unknown field, syntax error at file:line:col', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fl-fast-'));
    try {
      const head = 'apiVersion: faultline/v1\nkind: Scenario\nmetadata:\n  name: x\nspec:\n';
      const cases: [string, string, string][] = [
        ['duplicate key', `${head}  steps:\n    - wait: 1s\n  steps:\n    - wait: 2s\n`, 'dup.yaml:8:3 Map keys must be unique'],
        ['bad type', `${head}  repeat: lots\n  steps:\n    - wait: 1s\n`, 'type.yaml:6:11 spec.repeat: must be integer'],
        ['unknown field', `${head}  steps:\n    - wait: 1s\n      extra: 1\n`, 'field.yaml:8:7 spec.steps[0].extra: unknown field'],
        ['syntax error', `${head}  steps: [\n    - wait: 1s\n`, 'syntax.yaml:'],
      ];
      for (const [what, text, want] of cases) {
        const file = join(dir, `${want.split('.')[0]}.yaml`);
        await writeFile(file, text);
        const got = await loadScenarioFile(file, catalog);
        const lines = got.problems.map(formatProblem).map((l) => l.slice(dir.length + 1));
        assert.ok(lines[0]?.startsWith(want), `${what}: ${lines.join('\n')}`);
        assert.ok(got.problems.every((p) => p.line !== undefined && p.col !== undefined), `${what}: unpositioned`);
        assert.deepEqual(got, yamlOnly(file, text), `${what}: not what yaml alone gives`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('on 600 fuzz mutants the loader gives exactly what yaml alone gives (scenario or problems)', async function () {
    this.timeout(120_000);
    const r = seededRandom(11);
    const sources = (await corpus()).filter((c) => c.kind === 'scenario');
    const dir = await mkdtemp(join(tmpdir(), 'fl-fast-'));
    let fast = 0;
    try {
      for (let i = 0; i < 600; i++) {
        const m = mutant(sources[i % sources.length]!.text, r);
        const file = join(dir, `m${i}.yaml`);
        await writeFile(file, m.text);
        if (fastDocument(file, m.text)) fast++;
        const got = await loadScenarioFile(file, catalog);
        assert.ok(isDeepStrictEqual(got, yamlOnly(file, m.text)), `mutant ${i} (${m.name}) differs:\n${m.text.slice(0, 800)}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // the comparison reached the fast path: most mutants still parse
    assert.ok(fast > 300, `${fast} of 600 read by the fast parser`);
  });
});
