import { describe, expect, it } from 'vitest';
import { spanKey } from '../source.ts';
import { expectationNames } from './divergence.ts';
import { loadScenarioText } from './load.ts';

const TEXT = `scenario: s
about: x
divergence:
  reason: QEMU 7.2 dirties it
  only: [top/b0.dirty, j0, top]
graph:
  top: { driver: null-co, size: 1M }
steps:
  - block-dirty-bitmap-add: { node: top, name: b0 }
  - expect:
      bitmaps: { top/b0: { dirty: [], count: 0 } }
      nodes: { top: true }
`;

describe('divergence in a scenario', () => {
  it('loads with each name and its span', () => {
    const r = loadScenarioText('d.yaml', TEXT.replace(', j0', ''));
    expect(r.diagnostics).toEqual([]);
    const d = r.cases[0]?.divergence;
    expect(d?.reason).toBe('QEMU 7.2 dirties it');
    expect(d?.only?.map((o) => [o.value, o.span.line, o.span.col])).toEqual([['top/b0.dirty', 5, 10], ['top', 5, 24]]);
  });

  it('names every expectation value by key and by key.field', () => {
    const c = loadScenarioText('d.yaml', TEXT.replace(/divergence:\n.*\n.*\n/, '')).cases[0]!;
    const names = [...expectationNames(c.steps).values()];
    expect(names).toEqual([['top/b0'], ['top/b0', 'top/b0.dirty'], ['top/b0', 'top/b0.count'], ['top']]);
    expect(spanKey({ file: 'f', start: 1, end: 2 })).toBe('f\u00001\u00002');
  });

  it('needs a reason, and names that exist', () => {
    expect(loadScenarioText('d.yaml', TEXT.replace('  reason: QEMU 7.2 dirties it\n', '')).diagnostics.map((d) => d.code)).toContain('missing-key');
    expect(loadScenarioText('d.yaml', TEXT).diagnostics.map((d) => [d.code, d.span.line, d.span.col])).toEqual([['unknown-expectation', 5, 24]]);
  });
});
