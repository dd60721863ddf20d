/** The human reporter: a line per case, failures in full, one summary line. */
import type { RunSummary } from '../runner/result.ts';
import { formatCase, formatDiagnostic } from './format-case.ts';
import { palette, type ReporterFactory } from './reporter.ts';

export const text: ReporterFactory = ({ out, color }) => {
  const c = palette(color);
  return {
    onRunStart(run) {
      out.write(`${c.dim(`dirtysim: ${run.caseCount} case(s) on ${run.backends.join(', ')}`)}\n`);
    },
    onCaseEnd(result) {
      out.write(formatCase(result, c));
    },
    onRunEnd(summary) {
      for (const { file, diagnostics } of summary.invalidFiles) {
        out.write(`${c.red('INVALID')} ${file}\n${diagnostics.flatMap((d) => formatDiagnostic(d)).join('\n')}\n`);
      }
      out.write(`\n${summaryLine(summary)}\n`);
    },
  };
};

export function summaryLine(s: RunSummary): string {
  const invalid = s.invalidFiles.length > 0 ? `, ${s.invalidFiles.length} invalid file(s)` : '';
  const total = s.cases.length;
  return `${s.passed} passed, ${s.failed} failed, ${s.errors} errors, ${s.skipped} skipped (${total} case${total === 1 ? '' : 's'})${invalid} in ${Math.round(s.durationMs)}ms`;
}
