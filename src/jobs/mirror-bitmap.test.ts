import { describe, expect, it } from 'vitest';
import { add, machineWith } from '../io/test-support.ts';
import { qemuIo } from '../io/qemu-io.ts';
import { size } from '../size.ts';
import { MirrorBitmap } from './mirror-bitmap.ts';

function source() {
  const m = machineWith('qemu-7.2', [{ filename: 's.qcow2', format: 'qcow2', size: size('1M') }]);
  return { m, node: add(m, { driver: 'qcow2', 'node-name': 's', file: { driver: 'file', filename: 's.qcow2' } }) };
}

describe('MirrorBitmap', () => {
  it('is an anonymous bitmap at the head of the node list; release removes it', () => {
    const { node } = source();
    const b = MirrorBitmap.create(node, 4096, true);
    expect(node.dirtyBitmaps[0]).toBe(b.bitmap);
    expect([b.bitmap.name, b.bitmap.granularity, b.bitmap.recording]).toEqual([undefined, 4096, true]);
    b.release();
    expect(node.dirtyBitmaps).toEqual([]);
  });

  it('the job sets and resets ranges even while disabled; guest writes pass a disabled one by', () => {
    const { m, node } = source();
    const b = MirrorBitmap.create(node, 65536, false);
    b.set(0, 100);
    b.set(size('512K'), size('128K'));
    expect(b.count).toBe(size('192K'));
    b.reset(size('512K'), 65536);
    expect(b.nextDirtyArea(65536, size('1M'))).toEqual({ offset: size('576K'), length: 65536 });
    expect(qemuIo(m, node, 'write 256K 64K')).toEqual({ ok: true });
    expect(b.count).toBe(size('128K'));
  });

  it('enabled, it records guest writes; nextDirtyArea stops at maxCount', () => {
    const { m, node } = source();
    const b = MirrorBitmap.create(node, 65536, true);
    qemuIo(m, node, 'write 0 512K');
    expect(b.nextDirtyArea(0, size('192K'))).toEqual({ offset: 0, length: size('192K') });
    expect(b.nextDirtyArea(size('512K'), size('1M'))).toBeUndefined();
  });
});
