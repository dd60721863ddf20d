import { describe, expect, it } from 'vitest';
import { HBitmap } from './hbitmap.ts';

const K = 1024;
const M = 1024 * K;

describe('HBitmap worked examples (reference 1.2-1.7)', () => {
  it('a write dirties every granule it touches (1.2: [1000,4000) at 512 B -> 3584)', () => {
    const b = HBitmap.create(8 * M, 512);
    b.set(1000, 3000);
    expect(b.count).toBe(3584);
    expect([...b.extents()]).toEqual([{ offset: 512, length: 3584 }]);
    b.set(8 * M - 512, 512);
    expect(b.count).toBe(4096);
  });

  it('count is whole granules and may exceed a tiny disk (512 B disk, 64K granularity)', () => {
    const b = HBitmap.create(512, 64 * K);
    b.set(0, 512);
    expect(b.count).toBe(65536);
    expect([...b.extents()]).toEqual([{ offset: 0, length: 512 }]);
  });

  it('sha256 matches the reference worked example and the empty digest (1.7)', () => {
    const b = HBitmap.create(8 * M, 64 * K);
    expect(b.sha256()).toBe('374708fff7719dd5979ec875d56cd2286f6d3cf7ec317a3b25632aab28ec37bb');
    b.set(0, 4096);
    b.set(196708, 1);
    b.set(5242880, 307200);
    expect(b.count).toBe(458752);
    expect(b.sha256()).toBe('a171d0d51ba703ce91fb8e48af7f0b8df3f89ae3b96612d45419628894150d36');
  });

  it('a zero-length bitmap hashes one zero word', () => {
    // sha256 of 8 zero bytes
    expect(HBitmap.create(0, 512).sha256()).toBe('af5570f5a1810b7af78caf4bc70a660f0df51e42baf91d4de5b2328de0e83dfc');
  });

  it('truncate shrink clears from ROUND_UP(new size) and grow does not bring bits back (1.4)', () => {
    const b = HBitmap.create(8 * M, 64 * K);
    b.set(7 * M, M);
    b.truncate(7 * M + 4 * K);
    expect(b.count).toBe(65536);
    b.truncate(16 * M);
    expect(b.count).toBe(65536);
    expect([...b.extents()]).toEqual([{ offset: 7 * M, length: 64 * K }]);
  });

  it('next dirty/zero return start itself when it lies inside a matching granule (1.3)', () => {
    const b = HBitmap.create(M, 64 * K);
    b.set(128 * K, 1);
    expect(b.nextDirty(0)).toBe(128 * K);
    expect(b.nextDirty(130 * K)).toBe(130 * K);
    expect(b.nextDirty(0, 128 * K)).toBe(-1);
    expect(b.nextDirty(M)).toBe(-1);
    expect(b.nextZero(130 * K)).toBe(192 * K);
    expect(b.nextZero(5)).toBe(5);
    expect(b.nextZero(130 * K, 62 * K)).toBe(-1);
    expect(b.nextDirtyArea(0, M)).toEqual({ offset: 128 * K, length: 64 * K });
    expect(b.nextDirtyArea(0, M, 4 * K)).toEqual({ offset: 128 * K, length: 4 * K });
    expect(b.nextDirtyArea(0, 128 * K)).toBeUndefined();
  });

  it('merging a finer source rounds out to the destination granules (1.5)', () => {
    const dst = HBitmap.create(M, 64 * K);
    const src = HBitmap.create(M, 512);
    src.set(65 * K, 512);
    src.set(M - 512, 512);
    dst.mergeFrom(src);
    expect([...dst.extents()]).toEqual([
      { offset: 64 * K, length: 64 * K },
      { offset: M - 64 * K, length: 64 * K },
    ]);
    expect(src.count).toBe(1024);
  });

  it('reset rejects unaligned ranges except a tail ending at size', () => {
    const b = HBitmap.create(1000, 512);
    b.set(0, 1000);
    expect(() => b.reset(1, 511)).toThrow(RangeError);
    expect(() => b.reset(0, 100)).toThrow(RangeError);
    b.reset(512, 488);
    expect(b.count).toBe(512);
  });

  it('set and reset refuse a negative or fractional offset or length, leaving the bits alone', () => {
    const b = HBitmap.create(M, 512);
    b.set(0, 4 * K);
    // Without the guard, set(-512, 1024) would dirty granule 0 from a range QEMU cannot express.
    for (const [offset, bytes] of [[-512, 1024], [512, -512], [0.5, 512], [0, NaN]] as const) {
      expect(() => b.set(offset, bytes)).toThrow(/must be byte counts/);
      expect(() => b.reset(offset, bytes)).toThrow(/must be byte counts/);
    }
    expect([...b.extents()]).toEqual([{ offset: 0, length: 4 * K }]);
  });

  it('a 64 TiB bitmap at 512 B granularity costs nothing until written', () => {
    const b = HBitmap.create(64 * 2 ** 40, 512);
    b.set(2 ** 46 - 512, 512);
    expect(b.count).toBe(512);
    expect(b.nextDirty(0)).toBe(2 ** 46 - 512);
  });

  it('a whole 64 TiB disk dirty is one run, and granule runs can start mid-way', () => {
    const b = HBitmap.create(64 * 2 ** 40, 512);
    b.set(0, 64 * 2 ** 40);
    expect(b.count).toBe(64 * 2 ** 40);
    expect([...b.extents()]).toEqual([{ offset: 0, length: 64 * 2 ** 40 }]);
    b.reset(2 ** 40, 512);
    expect([...b.granuleRuns(2 ** 31 + 1)]).toEqual([{ start: 2 ** 31 + 1, end: 2 ** 37 }]);
    expect(b.nextZero(0)).toBe(2 ** 40);
  });

  it('merging bitmaps of different sizes is a caller bug', () => {
    expect(() => HBitmap.create(M, 512).mergeFrom(HBitmap.create(2 * M, 512))).toThrow(RangeError);
  });
});
