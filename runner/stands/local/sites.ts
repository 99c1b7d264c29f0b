/** The local stands on this machine, found by their state dirs. */
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stateDir } from '../../core/files.js';
import { isLocalStandName, siteOf, type Site } from './layout.js';

/** Names of the local stands that have a state dir (up, or left over from a crash). */
export async function localStandNames(): Promise<string[]> {
  const entries = await readdir(stateDir(), { withFileTypes: true }).catch(() => []);
  const names: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || !isLocalStandName(e.name)) continue;
    if (await access(join(stateDir(e.name), 'state.json')).then(() => true, () => false)) names.push(e.name);
  }
  return names.sort();
}

/** Another stand whose name hashes to the same site index (and so the same names and subnet). */
export async function otherSiteUsing(site: Site): Promise<string | undefined> {
  return (await localStandNames()).find((n) => n !== site.name && siteOf(n).index === site.index);
}
