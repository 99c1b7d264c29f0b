/**
 * The environment the README documents for `action` steps and `cmd` probes is the one they
 * get: on each test stand (FAULTLINE_TEST_STANDS), a run whose action writes the NAMES of
 * its FAULTLINE_*, AWS_* and KUBECONFIG variables (never their values) into its run folder;
 * the names must be the README's, those a stand should give must all be there, and
 * `faultline plan` must list exactly them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../../runner/core/files.js';
import { testStands } from '../global-stands.js';
import { defaultCatalog } from '../../runner/catalog.js';
import { standKindOf } from '../../runner/stands/resolve.js';

const root = packageRoot();
const bin = join(root, 'bin', 'faultline.js');

const scenario = `apiVersion: faultline/v1
kind: Scenario
metadata: { name: env-names }
spec:
  timeout: 2m
  params:
    stateBucket: { type: string, default: tofu-state }
  steps:
    - action:
        name: write the names of the variables it gets
        run: env | cut -d= -f1 | grep -E '^(FAULTLINE_[A-Z0-9_]+|AWS_[A-Z0-9_]+|KUBECONFIG)$' | sort > "$FAULTLINE_RUN_DIR/env-names"
        timeout: 30s
`;

/** The variable names in the README's table under "What commands get". */
async function documented(): Promise<string[]> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const section = readme.split('### What commands get')[1]!.split('\n### ')[0]!;
  const table = section.split('\n').filter((l) => l.startsWith('| `'));
  return table.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z0-9_<>]+)`/g)].map((m) => m[1]!));
}

/** Only the runner's bare minimum: nothing of the test's own environment leaks into what is compared. */
const bareEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', NO_COLOR: '1' };

describe('the environment actions get is the documented one', function () {
  for (const stand of testStands()) {
    it(`on the ${stand} stand: documented names, nothing else, and plan lists them`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'fl-env-names-'));
      const file = join(dir, 'env-names.yaml');
      await writeFile(file, scenario);
      const r = await execa('node', [bin, 'run', file, '--stand', stand, '--results', join(dir, 'results')], { reject: false, timeout: 300_000, env: bareEnv, extendEnv: false, all: true });
      assert.equal(r.exitCode, 0, r.all);
      const [runId] = await readdir(join(dir, 'results'));
      // the runner's own environment passes through; runner/s3/client.ts sets this one in it
      const own = ['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
      const got = (await readFile(join(dir, 'results', runId!, 'work', `env-names--${stand}--1`, 'env-names'), 'utf8')).trim().split('\n').filter((n) => !own.includes(n));

      const docs = await documented();
      const shown = got.map((n) => (n.startsWith('FAULTLINE_PARAM_') ? 'FAULTLINE_PARAM_<NAME>' : n));
      for (const n of shown) assert.ok(docs.includes(n), `${n} is given to actions but not in the README`);
      assert.ok(got.includes('FAULTLINE_PARAM_STATE_BUCKET'), 'param stateBucket as FAULTLINE_PARAM_STATE_BUCKET');
      for (const n of ['FAULTLINE_STAND', 'FAULTLINE_STAND_DRIVER', 'FAULTLINE_SCENARIO_DIR', 'FAULTLINE_RUN_DIR']) assert.ok(got.includes(n), `${n} missing`);
      const s3 = ['FAULTLINE_S3_ENDPOINT', 'AWS_ENDPOINT_URL_S3', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
      const kube = ['FAULTLINE_KUBE_CONTEXT', 'KUBECONFIG'];
      const expected = { local: [...s3, 'FAULTLINE_HEALTH_URL'], kwok: kube, cluster: [...s3, 'FAULTLINE_HEALTH_URL', ...kube] }[standKindOf(stand, defaultCatalog())!.name] ?? [];
      for (const n of expected) assert.ok(got.includes(n), `${n} missing on ${stand}`);

      const plan = await execa('node', [bin, 'plan', file, '--stand', stand], { reject: false, timeout: 60_000, env: bareEnv, extendEnv: false });
      assert.equal(plan.exitCode, 0, plan.stderr);
      const listed = /actions and cmd probes get: (.*)/.exec(plan.stdout)![1]!.split(', ').sort();
      assert.deepEqual(listed, [...got].sort());
      // names only: no value of any of them was written
      assert.ok(!got.some((l) => l.includes('=')));

      // stand status shows the same names, the endpoint but never the credentials
      const status = await execa('node', [bin, 'stand', 'status', stand], { reject: false, timeout: 120_000, env: bareEnv, extendEnv: false });
      assert.equal(status.exitCode, 0, status.stderr);
      const names = status.stdout.split('names a scenario can use')[1] ?? '';
      const opened = await standKindOf(stand, defaultCatalog())!.open(stand, AbortSignal.timeout(30_000));
      try {
        const nodes = opened.nodes?.list() ?? [];
        if (nodes.length) assert.match(names, new RegExp(`nodes ${nodes.join(', ')}`));
        if (opened.s3) assert.ok(names.includes(`S3 ${opened.s3.endpoint}`), names);
        if (opened.kube) assert.match(names, new RegExp(`kube context ${opened.kube.context}[\\s\\S]*namespaces: .*default`));
        if (opened.nodes?.runningKernel) assert.match(names, /kernels: node1 \S+/);
        for (const secret of [opened.s3?.credentials?.secretAccessKey, opened.s3?.credentials?.accessKeyId]) if (secret) assert.ok(!status.stdout.includes(secret), 'status shows a credential');
      } finally {
        await opened.close();
      }
      const statusEnv = /actions and cmd probes get: (.*)/.exec(names)![1]!.split(', ');
      assert.deepEqual(statusEnv.sort(), [...new Set(shown)].sort());
    });
  }
});
