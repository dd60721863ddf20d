/**
 * A step as its author wrote it: the YAML text of the step's span, continuation lines dedented by
 * the step's column so a nested mapping keeps its shape. Comments between steps stay out (the
 * span starts at the step's key).
 */
import type { SourceSpan } from '../source.ts';

export type ReadText = (file: string) => string | undefined;

export function stepText(span: SourceSpan, read: ReadText): string | undefined {
  const text = read(span.file);
  if (text === undefined) return undefined;
  const indent = span.col - 1;
  return text
    .slice(span.start, span.end)
    .replace(/\s+$/, '')
    .split('\n')
    .map((line, i) => (i === 0 ? line : line.slice(Math.min(indent, line.length - line.trimStart().length))))
    .join('\n');
}
