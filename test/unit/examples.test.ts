/** The nightly-job examples parse, and every faultline command in them uses options the CLI has. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { packageRoot } from '../../runner/core/files.js';
import { buildProgram } from '../../runner/cli/main.js';

const dir = join(packageRoot(), 'examples', 'nightly');

/** Every string in a YAML document, depth first. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

async function faultlineCommands(file: string): Promise<string[][]> {
  const docs = parseAllDocuments(await readFile(join(dir, file), 'utf8'));
  for (const d of docs) assert.deepEqual(d.errors, [], `${file} parses`);
  const text = docs.flatMap((d) => strings(d.toJS())).join('\n').replace(/\\\n/g, ' ');
  return [...text.matchAll(/bin\/faultline\.js ([^\n]+)/g)].map((m) => m[1]!.split(/\s+/));
}

describe('examples/nightly', () => {
  const program = buildProgram();
  for (const [file, expected] of [
    ['github-actions.yml', ['run', 'merge']],
    ['cronjob.yaml', ['run']],
  ] as const) {
    it(`${file}: ${expected.join(', ')} with options the CLI knows`, async () => {
      const cmds = await faultlineCommands(file);
      assert.deepEqual(cmds.map((c) => c[0]), expected);
      for (const [name, ...args] of cmds) {
        const cmd = program.commands.find((c) => c.name() === name)!;
        const known = new Set(cmd.options.map((o) => o.long));
        for (const flag of args.filter((a) => a.startsWith('--'))) assert.ok(known.has(flag), `${file}: faultline ${name} has no ${flag}`);
      }
    });
  }

  it('the CronJob gives faultline longer than its revert bound to revert on SIGTERM, and never runs two at once', async () => {
    const docs = parseAllDocuments(await readFile(join(dir, 'cronjob.yaml'), 'utf8')).map((d) => d.toJS());
    const cron = docs.find((d) => d.kind === 'CronJob');
    assert.equal(cron.spec.concurrencyPolicy, 'Forbid');
    assert.ok(cron.spec.jobTemplate.spec.template.spec.terminationGracePeriodSeconds > 180);
  });
});
