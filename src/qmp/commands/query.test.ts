import { describe, expect, it } from 'vitest';
import { BdrvDirtyBitmap } from '../../bitmaps/dirty-bitmap.ts';
import { createSuccessor, findDirtyBitmap } from '../../bitmaps/node-bitmaps.ts';
import { observeBitmaps } from '../../bitmaps/observe.ts';
import { addQcow2 } from '../../bitmaps/test-machine.ts';
import { Machine } from '../../machine.ts';
import { size } from '../../size.ts';
import { dispatch } from '../dispatcher.ts';
import { bitmapCommands } from './bitmap.ts';
import { queryCommands } from './query.ts';

function setup() {
  const m = new Machine();
  const n0 = addQcow2(m, 'n0', size('8M'));
  const qmp = (command: string, args: Record<string, unknown> = {}) => dispatch({ ...bitmapCommands, ...queryCommands }, m, command, args);
  return { m, n0, qmp };
}

describe('query-named-block-nodes', () => {
  it('lists nodes newest first; dirty-bitmaps only where present, newest first, inconsistent key only when true', () => {
    const { n0, qmp } = setup();
    qmp('block-dirty-bitmap-add', { node: 'n0', name: 'b0', granularity: 512 });
    qmp('block-dirty-bitmap-add', { node: 'n0', name: 'p', persistent: true, disabled: true });
    n0.dirtyBitmaps.unshift(BdrvDirtyBitmap.inconsistent('bad', size('8M'), 65536));
    findDirtyBitmap(n0, 'b0')?.markDirty(1000, 3000);
    expect(qmp('query-named-block-nodes', { flat: true })).toEqual({
      return: [
        { file: 'n0.qcow2', 'node-name': 'n0-file', drv: 'file', ro: false },
        {
          file: 'n0.qcow2', 'node-name': 'n0', drv: 'qcow2', ro: false,
          'dirty-bitmaps': [
            { name: 'bad', recording: false, persistent: true, busy: false, granularity: 65536, count: 0, inconsistent: true },
            { name: 'p', recording: false, persistent: true, busy: false, granularity: 65536, count: 0 },
            { name: 'b0', recording: true, persistent: false, busy: false, granularity: 512, count: 3584 },
          ],
        },
      ],
    });
  });

  it('shows a frozen parent busy and recording through its anonymous successor, which is listed without a name', () => {
    const { n0, qmp } = setup();
    qmp('block-dirty-bitmap-add', { node: 'n0', name: 'b0' });
    const b0 = findDirtyBitmap(n0, 'b0');
    if (!b0) throw new Error('no b0');
    expect(createSuccessor(n0, b0)).toBeUndefined();
    const reply = qmp('query-named-block-nodes');
    expect('return' in reply && reply.return).toContainEqual(expect.objectContaining({
      'node-name': 'n0',
      'dirty-bitmaps': [
        { recording: true, persistent: false, busy: false, granularity: 65536, count: 0 },
        { name: 'b0', recording: true, persistent: false, busy: true, granularity: 65536, count: 0 },
      ],
    }));
  });

  it('checks its arguments', () => {
    expect(setup().qmp('query-named-block-nodes', { flat: 1 })).toEqual({
      error: { class: 'GenericError', desc: "Invalid parameter type for 'flat', expected: boolean" },
    });
  });
});

describe('query-block', () => {
  it('lists device BlockBackends with the root node as inserted, and none without medium', () => {
    const { m, n0, qmp } = setup();
    qmp('block-dirty-bitmap-add', { node: 'n0', name: 'b0' });
    m.graph.attachBackend({ kind: 'device', qdevId: 'vd0', driver: 'virtio-blk-pci' }, n0);
    m.graph.attachBackend({ kind: 'device', qdevId: 'cd0', driver: 'virtio-blk-pci' }, undefined);
    m.graph.attachBackend({ kind: 'internal', user: 'job' }, n0);
    expect(qmp('query-block')).toEqual({
      return: [
        {
          device: '', locked: false, removable: false, qdev: '/machine/peripheral/vd0/virtio-backend', type: 'unknown',
          inserted: { file: 'n0.qcow2', 'node-name': 'n0', drv: 'qcow2', ro: false, 'dirty-bitmaps': [{ name: 'b0', recording: true, persistent: false, busy: false, granularity: 65536, count: 0 }] },
        },
        { device: '', locked: false, removable: false, qdev: '/machine/peripheral/cd0/virtio-backend', type: 'unknown' },
      ],
    });
  });
});

describe('observeBitmaps', () => {
  it('adds exact extents, size and sha256, or the reason the contents are unmodelled', () => {
    const { m, n0, qmp } = setup();
    qmp('block-dirty-bitmap-add', { node: 'n0', name: 'b0' });
    qmp('block-dirty-bitmap-add', { node: 'n0-file', name: 'proto' });
    for (const [off, len] of [[0, 4096], [196708, 1], [5242880, 307200]] as const) findDirtyBitmap(n0, 'b0')?.markDirty(off, len);
    const file = m.graph.node('n0-file');
    if (!file) throw new Error('no n0-file');
    findDirtyBitmap(file, 'proto')?.markUnmodelled('qcow2 host offsets');
    expect(observeBitmaps(m.graph)).toEqual([
      {
        nodeName: 'n0-file', driver: 'file',
        bitmaps: [expect.objectContaining({ name: 'proto', extents: { unmodelled: 'qcow2 host offsets' }, size: file.length() })],
      },
      {
        nodeName: 'n0', driver: 'qcow2',
        bitmaps: [{
          name: 'b0', granularity: 65536, count: 458752, recording: true, busy: false, persistent: false, inconsistent: false, size: size('8M'),
          sha256: 'a171d0d51ba703ce91fb8e48af7f0b8df3f89ae3b96612d45419628894150d36',
          extents: [{ offset: 0, length: 65536 }, { offset: 196608, length: 65536 }, { offset: 5242880, length: 327680 }],
        }],
      },
    ]);
  });
});
