import { describe, expect, it } from 'vitest';
import { size } from '../size.ts';
import { BDRV_BITMAP_ALLOW_RO, BDRV_BITMAP_DEFAULT, BdrvDirtyBitmap } from './dirty-bitmap.ts';

const M8 = size('8M');
const K64 = size('64K');

function extents(b: BdrvDirtyBitmap): [number, number][] {
  return [...(b.contents?.extents() ?? [])].map((e) => [e.offset, e.length]);
}

describe('BdrvDirtyBitmap', () => {
  it('marks whole granules dirty while enabled and ignores writes while disabled', () => {
    const b = BdrvDirtyBitmap.create('b0', M8, K64);
    b.markDirty(100, 1);
    expect(b.count).toBe(K64);
    b.disable();
    expect(b.recording).toBe(false);
    b.markDirty(size('1M'), 4096);
    expect(b.count).toBe(K64);
    b.enable();
    b.markDirty(size('1M'), 4096);
    expect(extents(b)).toEqual([[0, K64], [size('1M'), K64]]);
  });

  it('set and reset edit a disabled bitmap, as a job edits its own (bdrv_set_dirty_bitmap)', () => {
    const b = BdrvDirtyBitmap.create(undefined, M8, K64, { disabled: true });
    b.set(100, 2 * K64);
    expect(extents(b)).toEqual([[0, 3 * K64]]);
    b.reset(K64, K64);
    expect(extents(b)).toEqual([[0, K64], [2 * K64, K64]]);
    expect(b.recording).toBe(false);
  });

  it('starts disabled when asked, with the flags given', () => {
    const b = BdrvDirtyBitmap.create('p', M8, K64, { disabled: true, persistent: true });
    expect([b.recording, b.busy, b.persistent, b.readonly, b.inconsistent]).toEqual([false, false, true, false, false]);
  });

  it('checks BUSY, then RO, then INCONSISTENT, with QEMU messages', () => {
    const b = BdrvDirtyBitmap.create('b0', M8, K64);
    expect(b.check(BDRV_BITMAP_DEFAULT)).toBeUndefined();
    b.setReadonly(true);
    expect(b.check(BDRV_BITMAP_DEFAULT)).toBe("Bitmap 'b0' is readonly and cannot be modified");
    expect(b.check(BDRV_BITMAP_ALLOW_RO)).toBeUndefined();
    b.setBusy(true);
    expect(b.check(BDRV_BITMAP_DEFAULT)).toBe("Bitmap 'b0' is currently in use by another operation and cannot be used");
    const bad = BdrvDirtyBitmap.inconsistent('bad', M8, K64);
    expect(bad.check(BDRV_BITMAP_ALLOW_RO)).toBe("Bitmap 'bad' is inconsistent and cannot be used");
    bad.setReadonly(true);
    expect(bad.check(BDRV_BITMAP_DEFAULT)).toBe("Bitmap 'bad' is readonly and cannot be modified");
  });

  it('keeps an inconsistent bitmap empty, persistent and never recording', () => {
    const bad = BdrvDirtyBitmap.inconsistent('bad', M8, K64);
    bad.markDirty(0, M8);
    expect([bad.recording, bad.persistent, bad.count, bad.contents]).toEqual([false, true, 0, undefined]);
    expect(() => bad.enable()).toThrow();
  });

  it('clear returns a backup that restore puts back', () => {
    const b = BdrvDirtyBitmap.create('b0', M8, K64);
    b.markDirty(0, size('128K'));
    const backup = b.clear();
    expect(b.count).toBe(0);
    b.markDirty(size('1M'), 1);
    b.restore(backup);
    expect(extents(b)).toEqual([[0, size('128K')]]);
  });

  it('tracks why contents are unmodelled until a clear makes them exact again', () => {
    const b = BdrvDirtyBitmap.create('proto', M8, K64);
    b.markUnmodelled('qcow2 host offsets');
    b.markUnmodelled('second reason');
    expect(b.unmodelled).toBe('qcow2 host offsets');
    const target = BdrvDirtyBitmap.create('t', M8, 512);
    target.mergeFrom(b);
    expect(target.unmodelled).toBe('qcow2 host offsets');
    b.clear();
    expect(b.unmodelled).toBeUndefined();
    const off = BdrvDirtyBitmap.create('off', M8, K64, { disabled: true });
    off.markUnmodelled('x');
    expect(off.unmodelled).toBeUndefined();
  });

  it('merges across granularities by rounding out to the target granules', () => {
    const fine = BdrvDirtyBitmap.create('fine', M8, 512);
    fine.markDirty(size('1M') + 512, 512);
    const coarse = BdrvDirtyBitmap.create('coarse', M8, K64);
    coarse.mergeFrom(fine);
    expect(extents(coarse)).toEqual([[size('1M'), K64]]);
  });

  it('truncate shrinks and grows the size (hbitmap_truncate keeps a partial last granule)', () => {
    const b = BdrvDirtyBitmap.create('b0', M8, K64);
    b.markDirty(size('7M'), size('1M'));
    b.truncate(size('7M') + 4096);
    expect([b.size, b.count]).toEqual([size('7M') + 4096, K64]);
    b.truncate(size('16M'));
    expect(b.count).toBe(K64);
  });

  describe('successor (backup, reference 4.6)', () => {
    it('freezes the parent: busy, disabled, recording through an enabled successor', () => {
      const b = BdrvDirtyBitmap.create('b0', M8, K64);
      b.markDirty(0, K64);
      const r = b.createSuccessor();
      if (!('successor' in r)) throw new Error(r.error);
      expect([b.busy, b.enabled, b.recording]).toEqual([true, false, true]);
      expect([r.successor.name, r.successor.recording, r.successor.granularity]).toEqual([undefined, true, K64]);
      b.markDirty(size('1M'), 1);
      expect(b.count).toBe(K64);
      expect(r.successor.count).toBe(K64);
      b.setBusy(false);
      expect(b.busy).toBe(true);
      expect(b.createSuccessor()).toEqual({ error: 'Cannot create a successor for a bitmap that is in-use by an operation' });
    });

    it('a disabled parent gives a disabled successor, so the frozen parent does not record', () => {
      const b = BdrvDirtyBitmap.create('b0', M8, K64, { disabled: true });
      b.createSuccessor();
      expect([b.recording, b.successor?.recording]).toEqual([false, false]);
    });

    it('abdicate hands name and persistence to the successor', () => {
      const b = BdrvDirtyBitmap.create('b0', M8, K64, { persistent: true });
      b.markDirty(0, K64);
      b.createSuccessor();
      b.markDirty(size('2M'), 1);
      const heir = b.abdicate();
      expect([heir.name, heir.persistent, heir.busy, heir.recording]).toEqual(['b0', true, false, true]);
      expect(extents(heir)).toEqual([[size('2M'), K64]]);
      expect([b.name, b.persistent, b.busy, b.successor]).toEqual([undefined, false, false, undefined]);
    });

    it('reclaim merges the successor back: not busy, enabled iff the successor was', () => {
      const b = BdrvDirtyBitmap.create('b0', M8, K64);
      b.markDirty(0, K64);
      const r = b.createSuccessor();
      b.markDirty(size('2M'), 1);
      const old = b.reclaim();
      expect('successor' in r && r.successor).toBe(old);
      expect([b.busy, b.recording, b.successor, b.count]).toEqual([false, true, undefined, 2 * K64]);
    });

    it('abdicate and reclaim without a successor are caller bugs', () => {
      const b = BdrvDirtyBitmap.create('b0', M8, K64);
      expect(() => b.abdicate()).toThrow();
      expect(() => b.reclaim()).toThrow();
    });
  });
});
