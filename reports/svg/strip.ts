/**
 * Bitmap strips: a bitmap drawn as one row of cells, each shaded by the fraction of its bytes
 * that are dirty. A strip never has more than MAX_STRIP_CELLS cells, whatever the disk: the cell
 * is the granularity doubled until the strip fits, so a 64 TiB disk at 64K granularity (2^30
 * granules) draws in 512 cells of 128G, and one dirty granule still shows (any dirty byte gives a
 * cell at least MIN_SHADE).
 *
 *   1M bitmap, 64K granularity, dirty 192K+96K  ->  16 cells: [0,0,0,1,0.5,0,...]
 */
import type { Bytes } from '../../src/size.ts';
import type { Extent } from '../../runner/backends/backend.ts';
import { cellSize } from '../../runner/expect/picture.ts';

export const MAX_STRIP_CELLS = 512;

/** The bytes one cell covers: the failure pictures' rule (cellSize), at the strip's wider bound. */
export function stripCellBytes(size: Bytes, granularity: Bytes, maxCells = MAX_STRIP_CELLS): Bytes {
  return cellSize(size, granularity, maxCells);
}

/**
 * The fraction of each cell's bytes covered by the extents (which must not overlap, as a
 * bitmap's dirty runs never do). One pass over the extents plus the cells they span: a million
 * extents cost a million steps, not a million times the cell count.
 */
export function aggregate(size: Bytes, cellBytes: Bytes, extents: readonly Extent[]): Float64Array {
  const cells = Math.max(1, Math.ceil(size / cellBytes));
  const dirty = new Float64Array(cells);
  for (const { offset, length } of extents) {
    const end = Math.min(offset + length, size);
    let at = Math.max(0, offset);
    while (at < end) {
      const i = Math.floor(at / cellBytes);
      const next = Math.min((i + 1) * cellBytes, end);
      dirty[i] = (dirty[i] ?? 0) + (next - at);
      at = next;
    }
  }
  for (let i = 0; i < cells; i++) {
    // The last cell may run past the end of the disk; its share is of the bytes that exist.
    const bytes = Math.min(cellBytes, size - i * cellBytes);
    dirty[i] = bytes > 0 ? Math.min(1, (dirty[i] ?? 0) / bytes) : 0;
  }
  return dirty;
}

/** A picture string of '.' and 'X' (runner/expect/picture.ts) as cell fractions. */
export function pictureCells(picture: string): Float64Array {
  return Float64Array.from(picture, (ch) => (ch === '.' ? 0 : 1));
}
