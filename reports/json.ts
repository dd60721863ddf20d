/** The machine-readable reporter: the whole RunSummary as one JSON document at the end. */
import type { ReporterFactory } from './reporter.ts';

export const json: ReporterFactory = ({ out }) => ({
  onRunEnd(summary) {
    out.write(`${JSON.stringify(summary, null, 2)}\n`);
  },
});
