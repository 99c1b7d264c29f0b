/** The reporters of a `faultline run`: console on stderr, result files in the run folder. */
import { ConsoleReporter } from '../report/console.js';
import { FilesReporter } from '../report/files.js';
import { ReporterMultiplexer } from '../report/multiplexer.js';
import type { Reporter } from '../report/record.js';

export function reportersFor(resultsDir: string): Reporter {
  return new ReporterMultiplexer([new FilesReporter(resultsDir), new ConsoleReporter()]);
}
