/** `faultline plan`'s text: every action a run would take on a stand, in order. */
import type { Catalog } from '../core/catalog.js';
import type { Scenario, Step } from '../scenario/types.js';
import { missingCapabilities } from '../engine/run.js';
import { describeTrigger } from '../engine/trigger.js';
import { formatDuration } from '../core/units.js';
import type { Stand } from '../core/contracts.js';
import { standEnv } from '../core/stand-env.js';
import { paramValues } from '../scenario/params.js';
import type { StandSettings } from '../scenario/stand-settings.js';

function stepLine(step: Step, { faults, probes }: Catalog): string {
  const when = step.when ? ` [${describeTrigger(step.when)}]` : '';
  switch (step.type) {
    case 'gate': {
      const g = step.gate;
      const probe = probes.get(g.probe)!;
      const bound =
        g.mode === 'within' ? ` until it passes, within ${formatDuration(g.boundMs!)}${g.since ? ` of ${g.since}` : ''}` : g.mode === 'during' ? ` sampled every ${formatDuration(g.everyMs!)} for ${formatDuration(g.windowMs!)}, needs >= ${Math.round(g.min! * 100)}%` : ' once';
      return `gate "${g.name}": ${probe.describe(g.spec)}${bound}${when}`;
    }
    case 'fault':
      return `inject ${step.kind} (${faults.get(step.kind)!.describe(step.spec)}), journaled first${when}`;
    case 'revert':
      return `revert the newest ${step.target}${when}`;
    case 'wait':
      return `wait ${formatDuration(step.ms)}${when}`;
    case 'action':
      return `run \`${step.run}\` (timeout ${formatDuration(step.timeoutMs)}, expect exit ${step.exit})${when}`;
  }
}

const sourceText = (source: string, settings?: StandSettings) =>
  source === 'cli' ? '--param' : source === 'stand' ? `stand file ${settings?.file ?? ''}`.trim() : 'default';

/** The params in effect and the names the stand offers a scenario (nodes, endpoints, environment). */
function namesText(scenario: Scenario, stand: Stand, settings?: StandSettings): string[] {
  const lines: string[] = [];
  const params = Object.entries(scenario.params ?? {});
  if (params.length) {
    lines.push('  params:');
    for (const [name, p] of params) lines.push(`    ${name} = ${JSON.stringify(p.value)} (${sourceText(p.source, settings)})${p.description ? ` — ${p.description}` : ''}`);
  }
  const unused = [...(settings?.params.keys() ?? [])].filter((n) => !(n in (scenario.params ?? {})));
  if (unused.length) lines.push(`  stand file params this scenario does not declare (ignored): ${unused.join(', ')}`);
  const offers: string[] = [];
  const nodes = stand.nodes?.list() ?? [];
  if (nodes.length) offers.push(`nodes ${nodes.join(', ')}`);
  if (stand.s3) offers.push(`S3 ${stand.s3.endpoint} (${stand.s3.region})`);
  if (stand.kube) offers.push(`kube context ${stand.kube.context}`);
  if (stand.healthUrl) offers.push(`health ${stand.healthUrl}`);
  if (stand.metricsUrl) offers.push(`metrics ${stand.metricsUrl}`);
  if (offers.length) lines.push(`  stand offers: ${offers.join('; ')}`);
  lines.push(`  actions and cmd probes get: ${Object.keys(standEnv(stand, '.', paramValues(scenario.params))).join(', ')}`);
  return lines;
}

/** Every action the run would take, in order; touches nothing. */
export function planText(scenario: Scenario, stand: Stand, catalog: Catalog, settings?: StandSettings): string {
  const lines = [`scenario ${scenario.name} (${scenario.file}) on stand ${stand.name} [${stand.driver}], ${scenario.repeat}x, timeout ${formatDuration(scenario.timeoutMs)}`];
  lines.push(...namesText(scenario, stand, settings));
  if (settings?.limits) lines.push(`  within the limits of ${settings.file}`);
  const missing = missingCapabilities(scenario, stand);
  if (missing.length) {
    lines.push(`  SKIPPED: stand lacks ${missing.join(', ')}`);
    return lines.join('\n');
  }
  if (stand.protected) lines.push('  stand is protected: faults need --yes');
  for (const w of scenario.workloads) lines.push(`  start workload ${w.name}: ${catalog.workloads.get(w.kind)!.describe(w.spec)}`);
  scenario.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${stepLine(s, catalog)}`));
  const faultSteps = scenario.steps.filter((s) => s.type === 'fault');
  if (scenario.workloads.length) lines.push(`  finally: stop workloads ${scenario.workloads.map((w) => w.name).join(', ')}`);
  if (faultSteps.length) lines.push(`  finally: revert whatever is still injected, newest first: ${faultSteps.map((s) => s.title).reverse().join('; ')}`);
  return lines.join('\n');
}
