/** Durations ("500ms", "30s", "1.5m", "2h"), sizes ("256KiB", "3.1GiB", "10MB") and percentages ("45%"). */

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const durationRe = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

export function parseDuration(text: string): number | undefined {
  const m = durationRe.exec(String(text).trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * durationUnits[m[2]!]!);
}

export function mustDuration(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`not a duration: ${text}`);
  return ms;
}

const sizeUnits: Record<string, number> = {
  B: 1,
  KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12,
  KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4,
};
const sizeRe = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/;

export function parseSize(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isInteger(text) && text >= 0 ? text : undefined;
  const m = sizeRe.exec(String(text).trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * sizeUnits[m[2]!]!);
}

export function mustSize(text: string | number): number {
  const n = parseSize(text);
  if (n === undefined) throw new Error(`not a size: ${text}`);
  return n;
}

const percentRe = /^(\d+(?:\.\d+)?)%$/;

/** "45%" -> 0.45 */
export function parsePercent(text: string | number): number | undefined {
  const m = percentRe.exec(String(text).trim());
  if (!m) return undefined;
  const v = Number(m[1]) / 100;
  return v <= 1 ? v : undefined;
}

export function mustPercent(text: string | number): number {
  const v = parsePercent(text);
  if (v === undefined) throw new Error(`not a percentage: ${text}`);
  return v;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
