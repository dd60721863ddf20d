import { describe, expect, it } from 'vitest';
import type { Setup } from '../backends/backend.ts';
import type { StepSnapshot } from '../execute/trace.ts';
import { blockGraph, kindOf } from './graph-model.ts';

const setup: Setup = {
  images: [],
  blockdevs: [
    { driver: 'qcow2', 'node-name': 'base', file: { driver: 'file', filename: 'base.qcow2', 'node-name': 'base-file' } },
    { driver: 'qcow2', 'node-name': 'top', file: { driver: 'file', filename: 'top.qcow2', 'node-name': 'top-file' }, backing: 'base' },
    { driver: 'copy-on-read', 'node-name': 'cor', file: 'top' },
  ],
  devices: [{ id: 'vda', drive: 'cor' }],
  semantics: 'qemu-7.2',
};

const step = { kind: 'restart', span: { file: 'f', start: 0, end: 0, line: 1, col: 1, sourceLine: '' } } as const;
const observation = { granularity: 65536, count: 0, recording: true, busy: false, persistent: false, inconsistent: false, extents: [], size: 1 << 20 };
const snapshots: StepSnapshot[] = [
  {
    step,
    nodes: [{ nodeName: 'top', driver: 'qcow2' }, { nodeName: 'mirror-top', driver: 'mirror_top' }, { nodeName: 'device:vda', driver: 'BlockBackend' }],
    bitmaps: [
      { key: 'device:vda/d0', node: 'device:vda', observation, fresh: [] },
      { key: 'top/b0', node: 'top', observation, fresh: [] },
      { key: 'top/(anonymous 1)', node: 'top', observation, fresh: [] },
    ],
  },
  { step, nodes: [], bitmaps: [{ key: 'top/b0', node: 'top', observation, fresh: [] }, { key: 'base/b1', node: 'base', observation, fresh: [] }] },
];

describe('blockGraph', () => {
  const g = blockGraph(setup, snapshots);

  it('declares inline file nodes and names every edge by its role', () => {
    expect(g.edges).toEqual([
      { parent: 'vda', child: 'cor', role: 'root' },
      { parent: 'base', child: 'base-file', role: 'file' },
      { parent: 'top', child: 'top-file', role: 'file' },
      { parent: 'top', child: 'base', role: 'backing' },
      { parent: 'cor', child: 'top', role: 'file' },
    ]);
    // A drive bitmap (extension) lives on the device's BlockBackend, not on a node.
    expect(g.devices).toEqual([{ id: 'vda', bitmaps: ['d0'] }]);
  });

  it('kinds nodes by driver, adds nodes that appeared during the run, and lists every bitmap once', () => {
    expect(g.nodes.map((n) => [n.name, n.kind, n.bitmaps.join(','), n.added === true])).toEqual([
      ['base', 'format', 'b1', false],
      ['base-file', 'protocol', '', false],
      ['top', 'format', 'b0,(anonymous 1)', false],
      ['top-file', 'protocol', '', false],
      ['cor', 'filter', '', false],
      ['mirror-top', 'filter', '', true],
    ]);
    expect(kindOf('null-co')).toBe('protocol');
  });
});
