/** The params and limits a stand file gives the scenarios loaded for it, with their positions. */
import type { JsonValue } from '../core/contracts.js';
import { parsePercent } from '../core/units.js';
import { formatPath, type SourceDocument } from '../spec/yaml-document.js';
import type { StandLimits, LimitName } from './limits.js';
import type { ParamSetting } from './params.js';

export interface StandSettings {
  file: string;
  name: string;
  params: Map<string, ParamSetting>;
  limits?: StandLimits;
}

/** Params and limits of a stand file that has passed the schema, with their positions. */
export function standSettings(doc: SourceDocument): StandSettings {
  const value = doc.value as { metadata: { name: string }; spec?: { params?: Record<string, JsonValue>; limits?: Record<string, unknown> } };
  const params = new Map<string, ParamSetting>();
  for (const [name, v] of Object.entries(value.spec?.params ?? {})) {
    const path = ['spec', 'params', name];
    params.set(name, { value: v, file: doc.file, ...doc.position(path), path: formatPath(path) });
  }
  const raw = value.spec?.limits;
  let limits: StandLimits | undefined;
  if (raw) {
    const at: StandLimits['at'] = {};
    for (const k of Object.keys(raw) as LimitName[]) at[k] = doc.position(['spec', 'limits', k]);
    limits = {
      file: doc.file,
      stand: value.metadata.name,
      maxNodesDown: raw.maxNodesDown as number | undefined,
      maxPodsDown: raw.maxPodsDown === undefined ? undefined : parsePercent(raw.maxPodsDown as string),
      allowNodes: raw.allowNodes as string[] | undefined,
      allowNamespaces: raw.allowNamespaces as string[] | undefined,
      at,
    };
  }
  return { file: doc.file, name: value.metadata.name, params, limits };
}
