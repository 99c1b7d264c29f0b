/** What `--stand` and `--param` contribute to loading scenarios: param values and limits. */
import { InvalidInputError } from '../core/errors.js';
import type { LoadOptions } from '../scenario/load.js';
import { parseParamFlags } from '../scenario/params.js';
import { readStandSettings } from '../stands/index.js';
import type { StandSettings } from '../stands/stand-file-fragments.js';

export const collect = (v: string, acc: string[]) => [...acc, v];

export const paramOption = ['--param <name=value>', 'set a scenario param, over the stand file and the default (repeatable)'] as const;

/** Reads the stand file (if the ref names one) and the --param flags; bad flags are invalid input. */
export async function scenarioInputs(standRef: string | undefined, paramFlags: string[]): Promise<{ settings?: StandSettings; load: LoadOptions }> {
  const { values, problems } = parseParamFlags(paramFlags);
  if (problems.length) throw new InvalidInputError(problems);
  const settings = standRef ? await readStandSettings(standRef) : undefined;
  return { settings, load: { params: { stand: settings?.params, cli: values }, limits: settings?.limits } };
}
