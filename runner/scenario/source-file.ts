/**
 * A parsed YAML file that keeps its ranges: spans for any path into the document, so every
 * diagnostic and every loaded value can point at its text.
 */
import { isNode, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { SourceSpan } from '../source.ts';

export interface SourceFile {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

export function parseSourceFile(file: string, text: string): SourceFile {
  const lines = new LineCounter();
  // uniqueKeys stays on: a repeated node name or step key is an error, not a silent override.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, keepSourceTokens: false });
  return { file, text, doc, lines };
}

/** The span of [start, end) in the file. */
export function spanAt(src: SourceFile, start: number, end: number): SourceSpan {
  const { line, col } = src.lines.linePos(start);
  const lineStart = src.lines.lineStarts[line - 1] ?? 0;
  const nl = src.text.indexOf('\n', lineStart);
  const sourceLine = src.text.slice(lineStart, nl < 0 ? src.text.length : nl).replace(/\r$/, '');
  return { file: src.file, start, end: Math.max(end, start), line, col, sourceLine };
}

function spanOfNode(src: SourceFile, node: Node): SourceSpan {
  const [start, valueEnd] = node.range ?? [0, 0];
  return spanAt(src, start, valueEnd);
}

export type Path = readonly (string | number)[];

/**
 * The span of the value at `path`, or of the nearest ancestor that exists (a missing key points
 * at the mapping that should hold it). With `key`, the span of the last segment's key instead.
 */
export function spanOfPath(src: SourceFile, path: Path, key = false): SourceSpan {
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    if (key && n === path.length && n > 0) {
      const keyNode = keyNodeAt(src, prefix);
      if (keyNode) return spanOfNode(src, keyNode);
      continue;
    }
    const node = n === 0 ? src.doc.contents : src.doc.getIn(prefix, true);
    if (isNode(node) && node.range) return spanOfNode(src, node);
    // A key with an empty value (`steps:`) has no value node: point at the key.
    const keyNode = n > 0 ? keyNodeAt(src, prefix) : undefined;
    if (keyNode) return spanOfNode(src, keyNode);
  }
  return spanAt(src, 0, 0);
}

function keyNodeAt(src: SourceFile, path: Path): Node | undefined {
  const parent = path.length === 1 ? src.doc.contents : src.doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (!isNode(parent) || !('items' in parent) || !Array.isArray(parent.items)) return undefined;
  for (const item of parent.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === String(last)) return item.key;
  }
  return undefined;
}
