/** `npm run schema`: regenerates scenario.schema.json for editors (yaml-language-server), params allowed. */
import { join } from 'node:path';
import { writeJson, packageRoot } from '../core/files.js';
import { editorSchema } from './editor-schema.js';

export const scenarioSchemaFile = join(packageRoot(), 'runner', 'scenario', 'scenario.schema.json');

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeJson(scenarioSchemaFile, editorSchema());
  console.log(`wrote ${scenarioSchemaFile}`);
}
