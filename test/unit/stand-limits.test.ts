/**
 * Blast-radius limits of a stand file, judged statically: refused with the step and the
 * limit named at file:line:col; allowed within them. The shipped example stand of seed
 * 000 accepts the scenarios it lists and points them at its own names.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile, loadScenarios } from '../../runner/scenario/load.js';
import { InvalidInputError, formatProblem } from '../../runner/core/errors.js';
import { packageRoot } from '../../runner/core/files.js';
import { readStandSettings } from '../../runner/cli/scenario-inputs.js';
import type { StandSettings } from '../../runner/scenario/stand-settings.js';
import { paramValues } from '../../runner/scenario/params.js';
import { defaultCatalog } from '../../runner/catalog.js';

const catalog = defaultCatalog();

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fl-limits-'));
});

async function file(name: string, text: string): Promise<string> {
  const f = join(dir, name);
  await writeFile(f, text);
  return f;
}

async function stand(limits: string): Promise<StandSettings> {
  const f = await file(
    `stand-${Math.random().toString(36).slice(2)}.yaml`,
    `apiVersion: faultline/v1
kind: Stand
metadata: { name: guarded }
spec:
  s3: { endpoint: "http://127.0.0.1:1" }
  limits:
${limits}`,
  );
  return (await readStandSettings(f, catalog))!;
}

const scenario = (steps: string) => `apiVersion: faultline/v1
kind: Scenario
metadata: { name: s }
spec:
  steps:
${steps}`;

async function problemsOf(steps: string, settings: StandSettings): Promise<string[]> {
  const f = await file(`scn-${Math.random().toString(36).slice(2)}.yaml`, scenario(steps));
  const r = await loadScenarioFile(f, catalog, { limits: settings.limits });
  return r.problems.map(formatProblem);
}

describe('stand limits (static blast radius)', () => {
  it('maxNodesDown: two node faults active at once are refused, naming both steps and the limit', async () => {
    const s = await stand('    maxNodesDown: 1\n');
    const lines = await problemsOf(
      `    - { id: cut, fault: { node.powerOff: { node: node4 } } }
    - wait: 1s
    - fault: { node.stop: { node: node2 } }
`,
      s,
    );
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(
      lines[0]!,
      /scn-\w+\.yaml:8:16 spec\.steps\[2\]\.fault\.node\.stop: step 3 node\.stop: would have 2 nodes down at once \(node2 with step 1 node\.powerOff \(cut\) \(node4\) still injected\); the stand guarded allows limits\.maxNodesDown: 1 \(.*stand-\w+\.yaml:7:19\)/,
    );
  });

  it('maxNodesDown: the same faults one after the other (reverted between) are allowed', async () => {
    const s = await stand('    maxNodesDown: 1\n');
    assert.deepEqual(
      await problemsOf(
        `    - { id: cut, fault: { node.powerOff: { node: node4 } } }
    - revert: cut
    - fault: { node.stop: { node: node2 } }
    - revert: node.stop
    - fault: { node.partition: { isolate: node3 } }
`,
        s,
      ),
      [],
    );
    // a partition's minority side is down: {node1} | {node2, node3, node4} with node4 already off
    const lines = await problemsOf(
      `    - fault: { node.powerOff: { node: node4 } }
    - fault: { node.partition: { groups: [[node1], [node2, node3, node4]] } }
`,
      s,
    );
    assert.match(lines.join('\n'), /step 2 node\.partition: would have 2 nodes down at once \(node1 with step 1 node\.powerOff \(node4\)/);
  });

  it('allowNodes and allowNamespaces: a fault outside is refused; globs match; a node picked at run time is refused', async () => {
    const s = await stand('    allowNodes: [node1, node2]\n    allowNamespaces: [nix-cache, "fl-scn-*"]\n');
    const lines = await problemsOf(
      `    - fault: { node.kill: { node: node3 } }
    - fault: { pod.kill: { namespace: kube-system, selector: app=x } }
    - fault: { rollout.restart: { kind: Deployment, namespace: fl-scn-x, name: d } }
    - fault: { k8s.apply: { objects: [{ apiVersion: v1, kind: Namespace, metadata: { name: prod } }] } }
    - fault: { s3.indexDivergence: { bucket: gate-x, method: deleteDuringOutage } }
    - fault: { disk.fill: { node: node2, to: 90% } }
`,
      s,
    );
    const all = lines.join('\n');
    assert.equal(lines.length, 4, all);
    assert.match(all, /:6:16 spec\.steps\[0\]\.fault\.node\.kill: step 1 node\.kill: node "node3" is outside the allow-list: the stand guarded allows limits\.allowNodes: \["node1","node2"\] \(.*:7:17\)/);
    assert.match(all, /:7:16 spec\.steps\[1\]\.fault\.pod\.kill: step 2 pod\.kill: namespace "kube-system" is outside the allow-list: the stand guarded allows limits\.allowNamespaces: \["nix-cache","fl-scn-\*"\]/);
    assert.match(all, /step 4 k8s\.apply: namespace "prod" is outside the allow-list/);
    assert.match(all, /step 5 s3\.indexDivergence: picks its node at run time; name it/);
  });

  it('maxPodsDown: killAll, a scale to 0, a share over the limit and an untellable count are refused; a share within is allowed', async () => {
    const s = await stand('    maxPodsDown: 50%\n');
    const apply = `    - fault:
        k8s.apply:
          objects:
            - apiVersion: apps/v1
              kind: Deployment
              metadata: { name: gw, namespace: ns }
              spec: { replicas: 3, selector: { matchLabels: { app: gw } }, template: { metadata: { labels: { app: gw } }, spec: { containers: [{ name: c, image: i }] } } }
`;
    const within = await problemsOf(`${apply}    - fault: { pod.kill: { namespace: ns, selector: { app: gw }, count: 1 } }\n    - fault: { scale: { kind: Deployment, namespace: ns, name: gw, replicas: 2 } }\n`, s);
    assert.deepEqual(within, []);
    const lines = await problemsOf(
      `${apply}    - fault: { pod.kill: { namespace: ns, selector: app=gw, percent: 50% } }
    - fault: { pods.killAll: { namespace: ns, selector: app=gw } }
    - fault: { scale: { kind: Deployment, namespace: ns, name: other, replicas: 0 } }
    - fault: { pod.kill: { namespace: ns, selector: app=other, count: 1 } }
    - fault: { scale: { kind: Deployment, namespace: ns, name: other, replicas: 1 } }
`,
      s,
    );
    const all = lines.join('\n');
    assert.equal(lines.length, 5, all);
    // 50% of 3 pods rounds up to 2 of 3
    assert.match(all, /step 2 pod\.kill: removes 66\.7% of a workload's pods at once \(2 of 3 pods\); the stand guarded allows limits\.maxPodsDown: 50%/);
    assert.match(all, /step 3 pods\.killAll: removes 100% of a workload's pods at once \(every pod\)/);
    assert.match(all, /step 4 scale: removes 100% .*\(scales to 0\)/);
    assert.match(all, /step 5 pod\.kill: cannot tell what share of the workload's pods this removes .*give percent:/);
    assert.match(all, /step 6 scale: cannot tell what share/);
  });

  it('a stand file limit of the wrong shape is invalid input at its position', async () => {
    await assert.rejects(stand('    maxPodsDown: 150%\n    maxNodes: 1\n'), (err: unknown) => {
      assert.ok(err instanceof InvalidInputError);
      const all = err.problems.map(formatProblem).join('\n');
      assert.match(all, /:7:18 spec\.limits\.maxPodsDown: must be a percentage like 45%/);
      assert.match(all, /:8:5 spec\.limits\.maxNodes: unknown field/);
      return true;
    });
  });

  it('the example stand of seed 000 runs the shipped scenarios it lists, on its own names, within its limits', async () => {
    const settings = (await readStandSettings(join(packageRoot(), 'stands', 'examples', 'rustfs-openebs.yaml'), catalog))!;
    const files = ['s3/state-authority-node-restart.yaml', 's3/kernel-module-mismatch.yaml', 'k8s/state-service-pod-kill.yaml', 'k8s/node-power-off.yaml'].map((f) =>
      join(packageRoot(), 'scenarios', f),
    );
    const scenarios = await loadScenarios(files, catalog, { params: { stand: settings.params }, limits: settings.limits });
    const kill = scenarios.find((s) => s.name === 'state-service-pod-kill')!;
    assert.deepEqual(
      kill.steps.filter((s) => s.type === 'fault').map((s) => (s as { spec: unknown }).spec),
      [
        { namespace: 'nix-cache', selector: 'app.kubernetes.io/name=rustfs', count: 1, gracePeriod: 0 },
        { kind: 'Deployment', namespace: 'nix-cache', name: 'attic-rustfs-openebs' },
      ],
    );
    assert.ok(!kill.steps.some((s) => s.type === 'fault' && s.kind === 'k8s.apply'), 'nothing is created on the real stand');
    assert.equal(paramValues(scenarios.find((s) => s.name === 'kernel-module-mismatch')!.params).node, 'bumble');
    // the replay creates its own namespace: outside the allow-list
    await assert.rejects(loadScenarios([join(packageRoot(), 'scenarios', 'k8s', 'replay-witness-reap-backfill.yaml')], catalog, { params: { stand: settings.params }, limits: settings.limits }), /namespace "fl-scn-blockstor" is outside the allow-list/);
  });
});
