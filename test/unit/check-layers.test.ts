import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../../runner/core/files.js';

const script = join(packageRoot(), 'scripts', 'check-layers.mjs');

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'fl-layers-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

describe('check:layers', () => {
  it('passes on this repository', async () => {
    const r = await execa('node', [script], { reject: false, timeout: 60_000 });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /no breach, no circle/);
  });

  it('names an arrow pointing the wrong way and a circle of files', async () => {
    const root = await tree({
      'runner/core/a.ts': "import type { B } from '../engine/b.js';\nexport type A = B;\n",
      'runner/engine/b.ts': "import type { A } from '../core/a.js';\nexport type B = A | 1;\n",
      'runner/faults/f.ts': "import {\n  run,\n} from '../engine/b.js';\n",
      'runner/probes/p.ts': "export const p = () => import('../cli/main.js');\n",
      'runner/cli/main.ts': 'export {};\n',
    });
    const r = await execa('node', [script, root], { reject: false, timeout: 60_000 });
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /runner\/core\/a\.ts imports runner\/engine\/b\.ts: runner\/core may import only nothing else of runner\//);
    assert.match(r.stderr, /runner\/faults\/f\.ts imports runner\/engine\/b\.ts/);
    assert.match(r.stderr, /runner\/probes\/p\.ts imports runner\/cli\/main\.ts/);
    assert.match(r.stderr, /import circle: runner\/core\/a\.ts <-> runner\/engine\/b\.ts/);
  });
});
