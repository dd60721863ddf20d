import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './format.ts';
import { loadScenarioText } from './load.ts';
import { parseSourceFile, spanOfPath } from './source-file.ts';

const text = `scenario: spans
about: a
graph:
  top: { driver: qcow2, size: 1M }
steps:
  - block-dirty-bitmap-add: { node: top, name: b0 }
  - expect:
      bitmaps:
        top/b0: { dirty: [192K+64K], count: 64K, recording: true }   # a comment
`;

describe('spans', () => {
  it('finds a value, a key, and the nearest ancestor of a missing path', () => {
    const src = parseSourceFile('f.yaml', text);
    const v = spanOfPath(src, ['graph', 'top', 'size']);
    expect(text.slice(v.start, v.end)).toBe('1M');
    expect([v.line, v.col, v.sourceLine]).toEqual([4, 31, '  top: { driver: qcow2, size: 1M }']);
    const k = spanOfPath(src, ['graph', 'top'], true);
    expect(text.slice(k.start, k.end)).toBe('top');
    const missing = spanOfPath(src, ['graph', 'top', 'backing']);
    expect(text.slice(missing.start, missing.end)).toBe('{ driver: qcow2, size: 1M }');
  });

  it('gives every expectation value its exact text, for --update to splice', () => {
    const r = loadScenarioText('f.yaml', text);
    const expect0 = r.cases[0]?.steps[1];
    if (expect0?.kind !== 'expect') throw new Error('expected an expect step');
    const b = expect0.bitmaps[0];
    const slice = (s: { start: number; end: number } | undefined) => (s ? text.slice(s.start, s.end) : undefined);
    expect(slice(b?.keySpan)).toBe('top/b0');
    expect(slice(b?.expected?.dirty?.span)).toBe('[192K+64K]');
    expect(b?.expected?.dirty?.value).toEqual([{ offset: 192 * 1024, length: 64 * 1024 }]);
    expect(slice(b?.expected?.count?.span)).toBe('64K');
    expect(b?.expected?.count?.value).toBe(65536);
    expect(slice(b?.expected?.recording?.span)).toBe('true');
  });

  it('formats file:line:col, the source line and a caret run under the span', () => {
    const r = loadScenarioText('f.yaml', text.replace('node: top, name', 'node: tpo, name'));
    expect(r.diagnostics.map(formatDiagnostic).slice(0, 1)).toEqual([
      [
        "f.yaml:6:37: error[unknown-node]: unknown node 'tpo' (did you mean 'top'?)",
        '      - block-dirty-bitmap-add: { node: tpo, name: b0 }',
        '                                        ^^^',
      ].join('\n'),
    ]);
  });

  it('reports every error of a file at once', () => {
    const bad = text.replace('size: 1M', 'size: 1Q').replace('name: b0 }', 'name: b0, granulrity: 4K }');
    const found = loadScenarioText('f.yaml', bad).diagnostics.map((d) => [d.code, d.span.line]);
    expect(found).toEqual([['bad-size', 4], ['unknown-key', 6]]);
  });
});
