/** Observations the ssh and kind drivers read from a node's shell: service processes, drive space. */
import type { ServiceProcess } from '../../core/contracts.js';

/**
 * A template printing every process named {{process}} as "PID STATE START" (START: the
 * kernel start time from /proc/<pid>/stat, so a restarted process gets a new id).
 * Field 3 of stat is the state, field 22 the start time; the command name before them
 * may hold spaces, so everything up to its closing ") " is cut first.
 */
export const processesByName = 'for p in $(pgrep -x {{process}}); do set -- $(sed "s/^.*) //" /proc/$p/stat 2>/dev/null) && echo "$p $1 ${20}"; done; true';

/** Lines "PID STAT [START]" (ps STAT like "Ssl" gives its first letter) -> processes. */
export function parseServiceProcesses(output: string): ServiceProcess[] {
  return output.split('\n').flatMap((line) => {
    const [pid, stat, start] = line.trim().split(/\s+/);
    if (!pid || !/^\d+$/.test(pid) || !stat) return [];
    return [{ id: start ? `${pid}@${start}` : pid, state: stat[0]! }];
  });
}

/** `df -P -k <drive>` output -> size and free bytes (free as unprivileged writers see it). */
export function parseDriveSpace(output: string): { size: number; free: number } {
  const row = output.trim().split('\n').at(-1)?.trim().split(/\s+/) ?? [];
  const [size, free] = [Number(row[1]) * 1024, Number(row[3]) * 1024];
  if (!Number.isFinite(size) || !Number.isFinite(free) || !(size > 0)) throw new Error(`cannot read drive space from: ${output.trim().slice(-200)}`);
  return { size, free };
}
