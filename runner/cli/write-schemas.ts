/** `npm run schema`: regenerates scenario.schema.json (params allowed wherever a value goes) and stand.schema.json for editors (yaml-language-server). */
import { join } from 'node:path';
import { writeJson, packageRoot } from '../core/files.js';
import { defaultCatalog } from '../catalog.js';
import { standFileSchema } from '../stands/stand-file.js';
import { editorSchema } from '../scenario/editor-schema.js';

export const scenarioSchemaFile = join(packageRoot(), 'runner', 'scenario', 'scenario.schema.json');
export const standSchemaFile = join(packageRoot(), 'runner', 'stands', 'stand.schema.json');

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeJson(scenarioSchemaFile, editorSchema(defaultCatalog()));
  await writeJson(standSchemaFile, standFileSchema(defaultCatalog()));
  console.log(`wrote ${scenarioSchemaFile} and ${standSchemaFile}`);
}
