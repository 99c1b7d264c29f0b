/** Disk fill arithmetic shared by the ssh and kind drivers (both read `df -P -k` on the node). */
import { shellQuote } from './template.js';

/** Name of the filler file on a drive: one per drive, so a repeated fill replaces it. */
export function fillerPath(drive: string): string {
  return `${drive.replace(/\/+$/, '')}/.faultline-fill`;
}

/** Shell snippet printing `df -P -k` of the drive, then the filler's current size (0 if none). */
export function usageScript(drive: string, file: string): string {
  return `df -P -k ${shellQuote(drive)} && { stat -c %s ${shellQuote(file)} 2>/dev/null || echo 0; }`;
}

/**
 * Bytes the filler must have so the drive is `fraction` full, counting what is used
 * besides the filler, capped by the space there is. Output of usageScript().
 */
export function fillerBytes(output: string, fraction: number): number {
  const lines = output.trim().split('\n');
  const existing = Number(lines[lines.length - 1]);
  const df = lines[lines.length - 2]?.trim().split(/\s+/) ?? [];
  const [size, used, avail] = [Number(df[1]) * 1024, Number(df[2]) * 1024, Number(df[3]) * 1024];
  if (![existing, size, used, avail].every(Number.isFinite)) throw new Error(`cannot read disk usage from: ${output.trim()}`);
  const others = Math.max(0, used - existing);
  const want = Math.floor(size * fraction) - others;
  return Math.max(0, Math.min(want, avail + existing));
}

export function parseExisting(output: string): number {
  const lines = output.trim().split('\n');
  return Number(lines[lines.length - 1]) || 0;
}
