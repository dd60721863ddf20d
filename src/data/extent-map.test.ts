import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipRuns, ExtentMap } from './extent-map.ts';

describe('ExtentMap', () => {
  it('overwrites, merges equal neighbours and clears', () => {
    const m = new ExtentMap();
    m.set(0, 8, 0xaa);
    m.set(4, 8, 0xbb);
    expect(m.all()).toEqual([{ start: 0, end: 4, byte: 0xaa }, { start: 4, end: 12, byte: 0xbb }]);
    m.set(12, 4, 0xbb);
    expect(m.all()).toEqual([{ start: 0, end: 4, byte: 0xaa }, { start: 4, end: 16, byte: 0xbb }]);
    m.clear(2, 4);
    expect(m.all()).toEqual([{ start: 0, end: 2, byte: 0xaa }, { start: 6, end: 16, byte: 0xbb }]);
    expect(m.holes(0, 20)).toEqual([{ start: 2, end: 6 }, { start: 16, end: 20 }]);
    expect(m.read(1, 6)).toEqual([{ start: 1, end: 2, byte: 0xaa }, { start: 2, end: 6, byte: 0 }, { start: 6, end: 7, byte: 0xbb }]);
    m.truncate(10);
    expect(m.all()).toEqual([{ start: 0, end: 2, byte: 0xaa }, { start: 6, end: 10, byte: 0xbb }]);
  });

  it('stays a few runs on a 64 TiB device', () => {
    const m = new ExtentMap();
    const tib = 2 ** 40;
    m.set(0, 64 * tib, 0x11);
    m.set(32 * tib, 4096, 0x22);
    expect(m.all()).toHaveLength(3);
    expect(m.allocated(32 * tib - 1, 2)).toEqual([{ start: 32 * tib - 1, end: 32 * tib, byte: 0x11 }, { start: 32 * tib, end: 32 * tib + 1, byte: 0x22 }]);
  });

  it('matches a byte-array shadow after any sequence of set/clear', () => {
    const op = fc.record({ clear: fc.boolean(), start: fc.nat(63), len: fc.nat(20), byte: fc.integer({ min: 0, max: 3 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const m = new ExtentMap();
        const shadow: (number | undefined)[] = new Array(96).fill(undefined);
        for (const o of ops) {
          if (o.clear) m.clear(o.start, o.len);
          else m.set(o.start, o.len, o.byte);
          for (let i = o.start; i < o.start + o.len; i++) shadow[i] = o.clear ? undefined : o.byte;
        }
        const seen: (number | undefined)[] = new Array(96).fill(undefined);
        const runs = m.all();
        for (const r of runs) for (let i = r.start; i < r.end; i++) seen[i] = r.byte;
        expect(seen).toEqual(shadow);
        // Canonical: sorted, non-empty, adjacent equal runs merged.
        runs.forEach((r, i) => {
          expect(r.end).toBeGreaterThan(r.start);
          const next = runs[i + 1];
          if (next !== undefined) expect(next.start > r.end || next.byte !== r.byte).toBe(true);
        });
      }),
    );
  });
});

describe('clipRuns', () => {
  it('keeps only the parts inside the range, cut at its edges', () => {
    const runs = [{ start: 0, end: 4, byte: 1 }, { start: 4, end: 10, byte: 2 }, { start: 10, end: 12, byte: 3 }];
    expect(clipRuns(runs, 2, 10)).toEqual([{ start: 2, end: 4, byte: 1 }, { start: 4, end: 10, byte: 2 }]);
    expect(clipRuns(runs, 12, 20)).toEqual([]);
  });
});
