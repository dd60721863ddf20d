/**
 * Renders a diagnostic as the CLI prints it:
 *
 *   scenarios/x.yaml:7:5: error[unknown-node]: unknown node 'tpo' (did you mean 'top'?)
 *       - block-dirty-bitmap-add: { node: tpo, name: b0 }
 *                                         ^^^
 */
import type { Diagnostic } from '../source.ts';

export function formatDiagnostic(d: Diagnostic): string {
  const { file, line, col, sourceLine, start, end } = d.span;
  const head = `${file}:${line}:${col}: error[${d.code}]: ${d.message}`;
  // The caret run stops at the end of the first line; tabs are kept so the carets line up.
  const width = Math.max(1, Math.min(end - start, sourceLine.length - (col - 1)));
  const pad = sourceLine.slice(0, col - 1).replace(/[^\t]/g, ' ');
  return `${head}\n    ${sourceLine}\n    ${pad}${'^'.repeat(width)}`;
}

export function formatDiagnostics(ds: readonly Diagnostic[]): string {
  return ds.map(formatDiagnostic).join('\n');
}
