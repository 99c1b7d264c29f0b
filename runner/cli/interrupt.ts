/** Ctrl-C / SIGTERM abort the run's signal once; reverts then run before the process exits. */
export function abortOnSignals(log: (line: string) => void): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  let count = 0;
  const onSignal = (name: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      log(`\n${name}: stopping; reverting every injected fault before exit…`);
      ac.abort(new Error(`interrupted by ${name}`));
    } else {
      log(`${name}: still reverting; SIGKILL abandons the reverts (then run \`faultline recover\`)`);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: ac.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
