/**
 * `npm run schema`: regenerates scenario.schema.json (params allowed wherever a value goes)
 * and stand.schema.json for editors (yaml-language-server), and the loader's validators
 * compiled ahead of time (runner/spec/precompiled/, see spec/yaml-document.ts).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJson, packageRoot } from '../core/files.js';
import { defaultCatalog } from '../catalog.js';
import { standFileSchema } from '../stands/stand-file.js';
import { editorSchema } from '../scenario/editor-schema.js';
import { scenarioSchema } from '../scenario/schema.js';
import { paramsOnly } from '../scenario/load.js';
import { precompiledDir, precompiledSource } from '../spec/yaml-document.js';

export const scenarioSchemaFile = join(packageRoot(), 'runner', 'scenario', 'scenario.schema.json');
export const standSchemaFile = join(packageRoot(), 'runner', 'stands', 'stand.schema.json');

/** Every schema the loaders validate the shipped catalog's files against, each with its validator's file and source. */
export function precompiledValidators(): { file: string; code: string }[] {
  return [paramsOnly, scenarioSchema(defaultCatalog()), standFileSchema(defaultCatalog())].map(precompiledSource);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeJson(scenarioSchemaFile, editorSchema(defaultCatalog()));
  await writeJson(standSchemaFile, standFileSchema(defaultCatalog()));
  await rm(precompiledDir, { recursive: true, force: true });
  await mkdir(precompiledDir, { recursive: true });
  for (const v of precompiledValidators()) await writeFile(v.file, v.code);
  console.log(`wrote ${scenarioSchemaFile}, ${standSchemaFile} and the validators in ${precompiledDir}`);
}
