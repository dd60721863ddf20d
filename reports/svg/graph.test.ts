import { describe, expect, it } from 'vitest';
import { graphSvg, ranks, type BlockGraph } from './graph.ts';

/** vda -> cor (filter) -> top -> base, each format node over its file node. */
const chain: BlockGraph = {
  devices: [{ id: 'vda', bitmaps: [] }],
  nodes: [
    { name: 'base-file', driver: 'file', kind: 'protocol', bitmaps: [] },
    { name: 'base', driver: 'qcow2', kind: 'format', bitmaps: ['b0'] },
    { name: 'top-file', driver: 'file', kind: 'protocol', bitmaps: [] },
    { name: 'top', driver: 'qcow2', kind: 'format', bitmaps: ['b0', '(anonymous 1)'] },
    { name: 'cor', driver: 'copy-on-read', kind: 'filter', bitmaps: [] },
  ],
  edges: [
    { parent: 'vda', child: 'cor', role: 'root' },
    { parent: 'cor', child: 'top', role: 'file' },
    { parent: 'top', child: 'top-file', role: 'file' },
    { parent: 'top', child: 'base', role: 'backing' },
    { parent: 'base', child: 'base-file', role: 'file' },
  ],
};

const yOf = (svg: string, id: string) => Number(new RegExp(`data-id="${id}"><title>[^<]*</title><rect x="\\d+" y="(\\d+)"`).exec(svg)?.[1]);

describe('graph layout', () => {
  it('puts devices on top and each node one row below its lowest parent', () => {
    expect(Object.fromEntries(ranks(chain))).toEqual({ vda: 0, cor: 1, top: 2, 'top-file': 3, base: 3, 'base-file': 4 });
  });

  it('draws parents above children, one box per node and device, an edge per child', () => {
    const svg = graphSvg(chain);
    expect(yOf(svg, 'vda')).toBeLessThan(yOf(svg, 'cor'));
    expect(yOf(svg, 'top')).toBeLessThan(yOf(svg, 'base'));
    expect(yOf(svg, 'base')).toBeLessThan(yOf(svg, 'base-file'));
    expect(svg.match(/<g class="node /g)?.length).toBe(5);
    expect(svg.match(/<path class="edge /g)?.length).toBe(5);
    expect(svg).toContain('class="edge backing"');
  });

  it('marks filters and lists each bitmap on its node', () => {
    const svg = graphSvg(chain);
    expect(svg).toContain('<g class="node filter" data-id="cor">');
    expect(svg).toMatch(/data-id="top">.*▪ b0.*▪ \(anonymous 1\)/);
    expect(svg).toContain('copy-on-read (filter)');
  });

  it('survives a cycle without looping', () => {
    const cyclic: BlockGraph = { devices: [], nodes: [{ name: 'a', driver: 'raw', kind: 'format', bitmaps: [] }, { name: 'b', driver: 'raw', kind: 'format', bitmaps: [] }], edges: [{ parent: 'a', child: 'b', role: 'file' }, { parent: 'b', child: 'a', role: 'file' }] };
    expect(graphSvg(cyclic)).toContain('data-id="b"');
  });
});
