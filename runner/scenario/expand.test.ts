import { describe, expect, it } from 'vitest';
import { applies, axesLabel, combinations, interpolate } from './expand.ts';
import { loadScenarioText } from './load.ts';

describe('combinations', () => {
  it('crosses axes in written order and drops excluded partial combinations', () => {
    const axes = new Map([['sync', ['bitmap', 'full']], ['mode', ['never', 'always']]]);
    const all = combinations({ axes, exclude: [{ sync: 'full', mode: 'never' }] });
    expect(all.map(axesLabel)).toEqual(['sync=bitmap,mode=never', 'sync=bitmap,mode=always', 'sync=full,mode=always']);
  });
  it('gives one empty case without axes', () => {
    expect(combinations({ axes: new Map(), exclude: [] })).toEqual([{}]);
  });
});

describe('interpolate', () => {
  const unknown: string[] = [];
  const report = (_: unknown, axis: string) => unknown.push(axis);
  it('keeps the type of a whole-scalar reference and splices text elsewhere', () => {
    const v = interpolate({ g: '${g}', name: 'b-${g}', list: ['${m}'] }, { g: 512, m: 'never' }, [], report);
    expect(v).toEqual({ g: 512, name: 'b-512', list: ['never'] });
  });
  it('reports unknown axes and leaves the text', () => {
    expect(interpolate('x${nope}', {}, [], report)).toBe('x${nope}');
    expect(unknown).toEqual(['nope']);
  });
});

describe('applies', () => {
  it('matches a value or any of a list, comparing as text', () => {
    expect(applies({ g: [4096, '64K'] }, { g: '64K' })).toBe(true);
    expect(applies({ g: 512 }, { g: '512' })).toBe(true);
    expect(applies({ g: 512 }, { g: '4K' })).toBe(false);
    expect(applies(undefined, { g: '4K' })).toBe(true);
  });
});

const header = `scenario: s
about: a
graph:
  top: { driver: qcow2, size: 1M }
devices:
  vda: top
`;

describe('loading a matrix', () => {
  it('names cases by axis values, interpolates numbers as bytes, and applies when', () => {
    const text = `${header}matrix:
  granularity: [512, 64K]
steps:
  - block-dirty-bitmap-add: { node: top, name: b0, granularity: "\${granularity}" }
  - io: vda write 0 4K
    when: { granularity: 64K }
`;
    const r = loadScenarioText('m.yaml', text);
    expect(r.diagnostics).toEqual([]);
    expect(r.cases.map((c) => c.name)).toEqual(['s[granularity=512]', 's[granularity=64K]']);
    const [small, large] = r.cases;
    expect(small?.steps).toHaveLength(1);
    expect(small?.steps[0]).toMatchObject({ kind: 'qmp', args: { granularity: 512 } });
    expect(large?.steps[0]).toMatchObject({ kind: 'qmp', args: { granularity: 65536 } });
    expect(large?.steps[1]).toMatchObject({ kind: 'io', target: 'vda', line: 'write 0 4K' });
  });

  it('makes a semantics list an implicit axis', () => {
    const r = loadScenarioText('s.yaml', `${header}semantics: [qemu-7.2, write-unchanged-clean]\n`);
    expect(r.cases.map((c) => [c.axes['semantics'], c.semantics, c.setup.semantics])).toEqual([
      ['qemu-7.2', 'qemu-7.2', 'qemu-7.2'],
      ['write-unchanged-clean', 'write-unchanged-clean', 'write-unchanged-clean'],
    ]);
  });

  it("expresses iotest 257's sync mode x bitmap mode x failure point in one file", () => {
    const text = `${header}matrix:
  sync: [bitmap, full, top]
  bitmap-mode: [never, on-success, always]
  failure: [none, simulated, intermediate]
exclude:
  - { sync: full, bitmap-mode: never }
  - { sync: top, bitmap-mode: never }
steps:
  - block-dirty-bitmap-add: { node: top, name: bitmap0 }
  - blockdev-backup: { job-id: backup0, device: top, target: top, sync: "\${sync}", bitmap: bitmap0, bitmap-mode: "\${bitmap-mode}" }
  - job-cancel: { id: backup0 }
    when: { failure: intermediate }
`;
    const r = loadScenarioText('257.yaml', text);
    expect(r.diagnostics).toEqual([]);
    expect(r.cases).toHaveLength(27 - 6);
    const c = r.cases.find((x) => x.name === 's[sync=top,bitmap-mode=always,failure=intermediate]');
    expect(c?.steps.map((s) => (s.kind === 'qmp' ? s.command : s.kind))).toEqual([
      'block-dirty-bitmap-add', 'blockdev-backup', 'job-cancel',
    ]);
  });
});

describe('fragments', () => {
  const files: Record<string, string> = {
    '/d/_base.yaml': 'graph:\n  top: { driver: qcow2, size: 1M }\ndevices:\n  vda: top\nsteps:\n  - block-dirty-bitmap-add: { node: top, name: b0 }\n',
  };
  const readFile = (p: string) => files[p];
  it('puts the fragment graph, devices and steps first, the scenario over and after them', () => {
    const text = 'scenario: s\nabout: a\nuse: _base.yaml\ngraph:\n  top: { driver: qcow2, size: 2M }\nsteps:\n  - io: vda write 1M 4K\n';
    const r = loadScenarioText('/d/s.yaml', text, readFile);
    expect(r.diagnostics).toEqual([]);
    const c = r.cases[0];
    expect(c?.setup.images[0]?.size).toBe(2 * 2 ** 20);
    expect(c?.steps.map((s) => [s.kind, s.span.file, s.span.line])).toEqual([
      ['qmp', '/d/_base.yaml', 6],
      ['io', '/d/s.yaml', 7],
    ]);
  });
  it('reports a missing fragment at the use: value', () => {
    const r = loadScenarioText('/d/s.yaml', 'scenario: s\nabout: a\nuse: _gone.yaml\n', readFile);
    expect(r.diagnostics.map((d) => [d.code, d.span.line, d.span.col])).toEqual([['bad-include', 3, 6]]);
  });
});
