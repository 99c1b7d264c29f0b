/**
 * Commands the runner starts for a step or a probe run in their own process group
 * (execa `detached: true`), so at their bound the whole tree goes: a grandchild that
 * holds stdout open or ignores the shell's death cannot outlive the bound.
 */

/** SIGKILLs the process group led by `pid` when `signal` aborts; returns the remover of that hook. */
export function killGroupOnAbort(pid: number | undefined, signal: AbortSignal): () => void {
  const kill = () => {
    try {
      if (pid) process.kill(-pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  };
  if (signal.aborted) kill();
  signal.addEventListener('abort', kill, { once: true });
  return () => signal.removeEventListener('abort', kill);
}
