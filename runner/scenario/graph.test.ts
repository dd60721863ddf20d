import { describe, expect, it } from 'vitest';
import { loadScenarioText } from './load.ts';

const load = (body: string) => loadScenarioText('g.yaml', `scenario: g\nabout: a\n${body}`);
const codes = (body: string) => load(body).diagnostics.map((d) => `${d.span.line}:${d.span.col} ${d.code}`);

describe('graph compat and discard', () => {
  it('carries compat to the image spec (either YAML spelling of 0.10) and discard to the node, not its implied file', () => {
    const r = load('graph:\n  a: { driver: qcow2, size: 1M, compat: 0.10, discard: unmap }\n  b: { driver: qcow2, size: 1M, compat: "1.1" }\n');
    expect(r.diagnostics).toEqual([]);
    const setup = r.cases[0]?.setup;
    expect(setup?.images.map((i) => i.compat)).toEqual(['0.10', '1.1']);
    expect(setup?.blockdevs[0]).toEqual({
      driver: 'qcow2',
      'node-name': 'a',
      discard: 'unmap',
      file: { driver: 'file', filename: 'a.qcow2', 'node-name': 'a-file' },
    });
    expect(setup?.blockdevs[1]).not.toHaveProperty('discard');
  });

  it('takes discard from a matrix axis and refuses values QEMU does not know', () => {
    const r = load('graph:\n  d: { driver: raw, size: 1M, discard: "${m}" }\nmatrix:\n  m: [ignore, unmap]\n');
    expect(r.cases.map((c) => c.setup.blockdevs[0]?.['discard'])).toEqual(['ignore', 'unmap']);
    expect(codes('graph:\n  d: { driver: raw, size: 1M, discard: off }\n')).toEqual(['4:40 invalid']);
  });

  it('refuses compat on a node that is not qcow2', () => {
    expect(codes('graph:\n  d: { driver: raw, size: 1M, compat: "0.10" }\n')).toEqual(['4:31 invalid']);
    expect(codes('graph:\n  d: { driver: qcow2, size: 1M, compat: "0.9" }\n')).toEqual(['4:41 invalid']);
  });
});
