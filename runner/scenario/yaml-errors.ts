/** YAML syntax errors (and duplicate keys) as Diagnostics; yaml gives each a [start, end) range. */
import type { Diagnostic } from '../source.ts';
import { spanAt, type SourceFile } from './source-file.ts';

export function yamlDiagnostics(src: SourceFile): Diagnostic[] {
  return src.doc.errors.map((e) => {
    const [start, end] = e.pos;
    const message = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    const code = e.code === 'DUPLICATE_KEY' ? 'duplicate-name' : 'yaml-syntax';
    return { code, message, span: spanAt(src, start, end) };
  });
}
