import { describe, expect, it } from 'vitest';
import type { BdrvDirtyBitmap } from '../../bitmaps/dirty-bitmap.ts';
import type { Machine } from '../../machine.ts';
import { blockdevCommands } from '../../qmp/commands/blockdev.ts';
import { dispatch } from '../../qmp/dispatcher.ts';
import { blockdevAdd } from '../open.ts';
import { qemuIo } from '../../io/qemu-io.ts';
import { add, bitmaps, io, machineWith } from '../../io/test-support.ts';
import { size } from '../../size.ts';

const K = 1024;
const M = 1024 * K;

function withFile() {
  const m = machineWith('qemu-7.2', [{ filename: 'w.raw', format: 'raw', size: M }]);
  add(m, { driver: 'file', 'node-name': 'f0', filename: 'w.raw' });
  return m;
}

const dirty = (b: BdrvDirtyBitmap | undefined) => [...(b?.contents?.extents() ?? [])];
const resize = (m: Machine, node: string, bytes: number) => dispatch(blockdevCommands, m, 'block_resize', { 'node-name': node, size: bytes });

describe('raw offset/size: a window into the file (block/raw-format.c)', () => {
  it.each([
    [{ offset: 2 * M }, 'Offset (2097152) cannot be greater than size of the containing file (1048576)'],
    [{ offset: 512 * K, size: M }, 'The sum of offset (524288) and size (1048576) has to be smaller or equal to the  actual size of the containing file (1048576)'],
    [{ size: 1000 }, 'Specified size is not multiple of 512'],
    [{ offset: -512 }, "Parameter 'offset' expects a non-negative number below 2^64"],
    [{ size: -512 }, "Parameter 'size' expects a non-negative number below 2^64"],
  ])('refuses %o as QEMU 7.2.22 does', (window, message) => {
    const m = withFile();
    expect(blockdevAdd(m, { driver: 'raw', 'node-name': 'r', file: 'f0', ...window })).toEqual({ ok: false, message });
    expect(m.graph.node('r')).toBeUndefined();
  });

  it('accepts a window ending at the file end, an empty one, and an unaligned offset (probed)', () => {
    const m = withFile();
    expect(add(m, { driver: 'raw', 'node-name': 'end', file: 'f0', offset: M, size: 0 }).length()).toBe(0);
    expect(add(m, { driver: 'raw', 'node-name': 'odd', file: 'f0', offset: 1000, size: 4096 }).length()).toBe(4096);
    // Without size the node is the rest of the file.
    expect(add(m, { driver: 'raw', 'node-name': 'rest', file: 'f0', offset: 4096 }).length()).toBe(M - 4096);
  });

  it('a write inside the window dirties the raw node at its offset and the file node at offset+window', () => {
    const m = withFile();
    add(m, { driver: 'raw', 'node-name': 'rw', file: 'f0', offset: 512 * K, size: 256 * K });
    const b = bitmaps(m, 'rw', 'f0');
    io(m, 'rw', 'write -P 0x11 64K 4K');
    expect(dirty(b['rw'])).toEqual([{ offset: 64 * K, length: 64 * K }]);
    expect(dirty(b['f0'])).toEqual([{ offset: 576 * K, length: 64 * K }]);
    // The data landed at 576K of the file and reads back at 64K of the window.
    expect(qemuIo(m, m.graph.node('f0')!, 'read -P 0x11 576K 4K')).toEqual({ ok: true });
    expect(qemuIo(m, m.graph.node('rw')!, 'read -P 0x11 64K 4K')).toEqual({ ok: true });
    expect(qemuIo(m, m.graph.node('rw')!, 'read -P 0x11 62K 4K')).toMatchObject({
      holds: [{ start: 62 * K, end: 64 * K, byte: 0 }, { start: 64 * K, end: 66 * K, byte: 0x11 }],
    });
    // Zero writes and discards are shifted the same way.
    io(m, 'rw', 'write -z 192K 4K');
    expect(dirty(b['f0'])).toEqual([{ offset: 576 * K, length: 64 * K }, { offset: 704 * K, length: 64 * K }]);
  });

  it('allocation is reported in window offsets', () => {
    const m = machineWith('qemu-7.2', [{ filename: 'w.raw', format: 'raw', size: M }]);
    const f0 = add(m, { driver: 'file', 'node-name': 'f0', filename: 'w.raw' });
    const rw = add(m, { driver: 'raw', 'node-name': 'rw', file: 'f0', offset: 512 * K, size: 256 * K });
    io(m, 'f0', 'write -P 0xaa 508K 8K');
    expect(rw.driver.allocated(rw, 0, 256 * K)).toEqual(f0.driver.allocated(f0, 512 * K, 256 * K).map((r) => ({ ...r, start: r.start - 512 * K, end: r.end - 512 * K })));
    expect(qemuIo(m, rw, 'read -P 0xaa 0 4K')).toEqual({ ok: true });
  });

  it('I/O past the window fails like past any device end, and leaves the file alone', () => {
    const m = withFile();
    const rw = add(m, { driver: 'raw', 'node-name': 'rw', file: 'f0', offset: 512 * K, size: 256 * K });
    const b = bitmaps(m, 'f0');
    expect(qemuIo(m, rw, 'write -P 0x11 255K 4K')).toEqual({ ok: false, message: 'write failed: Input/output error' });
    expect(b['f0']?.count).toBe(0);
  });

  it('a fixed size cannot be resized; without one the file grows by the new size plus the offset', () => {
    const m = machineWith('qemu-7.2', [{ filename: 'a.raw', format: 'raw', size: M }, { filename: 'b.raw', format: 'raw', size: M }]);
    const fixed = add(m, { driver: 'raw', 'node-name': 'fixed', file: { driver: 'file', filename: 'a.raw' }, offset: 4 * K, size: 4 * K });
    const rest = add(m, { driver: 'raw', 'node-name': 'rest', file: { driver: 'file', filename: 'b.raw' }, offset: 4 * K });
    expect(resize(m, 'fixed', 8 * K)).toEqual({ error: { class: 'GenericError', desc: 'Cannot resize fixed-size raw disks' } });
    expect(fixed.length()).toBe(4 * K);
    expect(resize(m, 'rest', size('2M'))).toEqual({ return: {} });
    expect(rest.length()).toBe(size('2M'));
    expect(rest.child('file')?.length()).toBe(size('2M') + 4 * K);
  });
});
