/**
 * The source line under a span with a caret run beneath it, as compilers print it:
 *
 *     12 |         top/b0: { dirty: [192K+64K] }
 *        |                          ^^^^^^^^^^
 */
import type { SourceSpan } from '../runner/source.ts';

export function sourceExcerpt(span: SourceSpan, indent = ''): string[] {
  const gutter = String(span.line);
  const line = span.sourceLine.replace(/\r?\n$/, '');
  const startCol = Math.max(1, span.col);
  // A span may run past its first line (a block value); underline only what this line shows.
  const width = Math.max(1, Math.min(span.end - span.start, line.length - startCol + 1));
  return [
    `${indent}${gutter} | ${line}`,
    `${indent}${' '.repeat(gutter.length)} | ${' '.repeat(startCol - 1)}${'^'.repeat(width)}`,
  ];
}

export function location(span: SourceSpan): string {
  return `${span.file}:${span.line}:${span.col}`;
}
