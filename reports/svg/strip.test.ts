import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Extent } from '../../runner/backends/backend.ts';
import { aggregate, MAX_STRIP_CELLS, pictureCells, stripCellBytes } from './strip.ts';

const K = 1024;
const G = K ** 3;
const T = K ** 4;

/** The definition, byte-range by byte-range: every cell's overlap with every extent. */
function naive(size: number, cell: number, extents: readonly Extent[]): number[] {
  const cells = Math.ceil(size / cell);
  return Array.from({ length: cells }, (_, i) => {
    const start = i * cell;
    const end = Math.min(start + cell, size);
    let dirty = 0;
    for (const e of extents) dirty += Math.max(0, Math.min(end, e.offset + e.length) - Math.max(start, e.offset));
    return dirty / (end - start);
  });
}

/** Non-overlapping granule-aligned extents from a set of granule indices. */
function extentsOf(granules: readonly number[], granularity: number): Extent[] {
  return [...new Set(granules)].sort((a, b) => a - b).map((g) => ({ offset: g * granularity, length: granularity }));
}

describe('stripCellBytes', () => {
  it('keeps one cell per granule while the strip fits', () => {
    expect(stripCellBytes(1024 * K, 64 * K)).toBe(64 * K);
    expect(stripCellBytes(512 * 64 * K, 64 * K)).toBe(64 * K);
  });

  it('doubles the granularity until the strip fits', () => {
    expect(stripCellBytes(513 * 64 * K, 64 * K)).toBe(128 * K);
    expect(stripCellBytes(64 * T, 64 * K)).toBe(128 * G);
  });
});

describe('aggregate', () => {
  it('shades a cell by the fraction of its bytes that are dirty', () => {
    const cells = aggregate(1024 * K, 64 * K, [{ offset: 192 * K, length: 96 * K }]);
    expect(Array.from(cells.slice(0, 6))).toEqual([0, 0, 0, 1, 0.5, 0]);
  });

  it('measures a partial last cell against the bytes that exist', () => {
    expect(Array.from(aggregate(96 * K, 64 * K, [{ offset: 64 * K, length: 32 * K }]))).toEqual([0, 1]);
  });

  it('agrees with the per-cell definition on random bitmaps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.constantFrom(512, 4 * K, 64 * K),
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.nat(4999), { maxLength: 200 }),
        (granules, granularity, maxCells, dirty) => {
          const size = granules * granularity;
          const extents = extentsOf(dirty.filter((g) => g < granules), granularity);
          const cell = stripCellBytes(size, granularity, maxCells);
          const got = Array.from(aggregate(size, cell, extents));
          expect(got.length).toBeLessThanOrEqual(maxCells);
          const want = naive(size, cell, extents);
          got.forEach((v, i) => expect(v).toBeCloseTo(want[i] ?? -1, 12));
        },
      ),
    );
  });

  it('draws a 64 TiB disk with a million extents in a bounded strip, quickly', () => {
    const size = 64 * T;
    const granularity = 64 * K;
    // A million single-granule extents spread over the disk, deterministic: every (2^30/1e6)-th granule.
    const stride = Math.floor(size / granularity / 1_000_000);
    const extents: Extent[] = Array.from({ length: 1_000_000 }, (_, i) => ({ offset: i * stride * granularity, length: granularity }));
    const cell = stripCellBytes(size, granularity);
    const started = performance.now();
    const cells = aggregate(size, cell, extents);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(cells.length).toBeLessThanOrEqual(MAX_STRIP_CELLS);
    // Every cell holds cell/(stride*granularity) extents or one more: check the totals exactly.
    const dirtyBytes = Array.from(cells).reduce((sum, f, i) => sum + f * Math.min(cell, size - i * cell), 0);
    expect(dirtyBytes).toBe(1_000_000 * granularity);
    const first = naive(cell * 2, cell, extents.filter((e) => e.offset < 2 * cell));
    expect(cells[0]).toBeCloseTo(first[0] ?? -1, 12);
    expect(cells[1]).toBeCloseTo(first[1] ?? -1, 12);
  });
});

describe('pictureCells', () => {
  it('reads X as dirty and . as clean', () => {
    expect(Array.from(pictureCells('.X.'))).toEqual([0, 1, 0]);
  });
});
