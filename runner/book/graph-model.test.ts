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

describe('blockGraph: what steps linked', () => {
  const span = { file: 'f', start: 0, end: 0, line: 1, col: 1, sourceLine: '' };
  const qmpStep = (command: string, args: Record<string, unknown>, failing = false): StepSnapshot => ({
    step: { kind: 'qmp', command, args, span, ...(failing ? { expectError: { kind: 'desc' as const, desc: { value: 'x', span }, span } } : {}) },
    nodes: [],
    bitmaps: [],
  });
  const disk = { images: [], blockdevs: [{ driver: 'qcow2', 'node-name': 'disk1', file: 'disk1-file' }], devices: [], semantics: 'qemu-7.2' } as const;

  it('draws blockdev-add and device_add steps with their edges, and each medium a device had', () => {
    const g = blockGraph(disk, [
      qmpStep('blockdev-add', { driver: 'qcow2', 'node-name': 'disk2', file: { driver: 'file', 'node-name': 'disk2-file', filename: 'disk2.qcow2' } }),
      qmpStep('device_add', { driver: 'scsi-hd', id: 'sd0', drive: 'disk1', removable: true }),
      qmpStep('blockdev-insert-medium', { id: 'sd0', 'node-name': 'disk2' }),
      { step: { kind: 'restart', span }, nodes: [{ nodeName: 'device:sd0', driver: 'BlockBackend' }], bitmaps: [{ key: 'device:sd0/d0', node: 'device:sd0', observation, fresh: [] }] },
    ]);
    expect(g.devices).toEqual([{ id: 'sd0', bitmaps: ['d0'] }]);
    expect(g.edges).toEqual([
      { parent: 'sd0', child: 'disk1', role: 'root' },
      { parent: 'sd0', child: 'disk2', role: 'root' },
      { parent: 'disk1', child: 'disk1-file', role: 'file' },
      { parent: 'disk2', child: 'disk2-file', role: 'file' },
    ]);
    expect(g.nodes.map((n) => [n.name, n.added === true])).toEqual([['disk1', false], ['disk2', true], ['disk2-file', true]]);
  });

  it('ignores steps expected to fail', () => {
    const g = blockGraph(disk, [
      qmpStep('blockdev-add', { driver: 'qcow2', 'node-name': 'bad', file: 'nope' }, true),
      qmpStep('device_add', { driver: 'virtio-blk-pci', id: 'vdb', drive: 'disk1' }, true),
    ]);
    expect([g.devices, g.nodes.map((n) => n.name)]).toEqual([[], ['disk1']]);
  });
});
