/** What `--stand` and `--param` contribute to loading scenarios: param values and limits. */
import { InvalidInputError } from '../core/errors.js';
import type { LoadOptions } from '../scenario/load.js';
import { parseParamFlags } from '../scenario/params.js';
import { relative } from 'node:path';
import type { Catalog } from '../core/catalog.js';
import { readStandDocument, standFilePath } from '../stands/stand-file.js';
import { standSettings, type StandSettings } from '../scenario/stand-settings.js';

/**
 * The params and limits of `--stand <ref>` when it names a stand file (an embedded stand
 * by name reads its shipped stands/<name>.yaml); read before the scenarios are loaded.
 */
export async function readStandSettings(ref: string, catalog: Catalog): Promise<StandSettings | undefined> {
  const file = standFilePath(ref);
  return file ? standSettings(await readStandDocument(relative(process.cwd(), file) || file, catalog)) : undefined;
}

/** Reads the stand file (if the ref names one) and the --param flags; bad flags are invalid input. */
export async function scenarioInputs(standRef: string | undefined, paramFlags: string[], catalog: Catalog): Promise<{ settings?: StandSettings; load: LoadOptions }> {
  const { values, problems } = parseParamFlags(paramFlags);
  if (problems.length) throw new InvalidInputError(problems);
  const settings = standRef ? await readStandSettings(standRef, catalog) : undefined;
  return { settings, load: { params: { stand: settings?.params, cli: values }, limits: settings?.limits } };
}
