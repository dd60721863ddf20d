/**
 * Bitmap pictures: a strip of cells, 'X' where any granule in the cell is dirty, '.' elsewhere.
 *
 * Small bitmaps get one cell per granule. Larger ones get a fixed scale: the cell is the smallest
 * power-of-two multiple of the granularity that keeps the strip within MAX_CELLS, so a 64 TiB disk
 * still prints on one line. Expected and actual are always drawn at the same scale, one above the
 * other, so a misplaced extent shows as a shifted X.
 *
 *   1M bitmap, 64K granularity, dirty 192K+64K  ->  "...X............"   (1 cell = 64K)
 */
import { formatSize, type Bytes } from '../../src/size.ts';
import type { Extent } from '../backends/backend.ts';

export const MAX_CELLS = 64;

/**
 * The bytes one cell covers for a bitmap of this size and granularity: a power-of-two multiple of
 * the granularity, so cells align to granules. The book's strips (reports/svg/strip.ts) use the
 * same rule with a wider bound.
 */
export function cellSize(size: Bytes, granularity: Bytes, maxCells = MAX_CELLS): Bytes {
  let cell = Math.max(1, granularity);
  while (Math.ceil(size / cell) > maxCells) cell *= 2;
  return cell;
}

/** The strip for these extents; `cell` must be a multiple of the granularity. */
export function picture(size: Bytes, cell: Bytes, extents: readonly Extent[]): string {
  const cells = Math.ceil(size / cell);
  const marks = new Array<boolean>(cells).fill(false);
  for (const { offset, length } of extents) {
    if (length <= 0 || offset >= size) continue;
    const last = Math.min(Math.floor((offset + length - 1) / cell), cells - 1);
    for (let i = Math.floor(offset / cell); i <= last; i++) marks[i] = true;
  }
  return marks.map((m) => (m ? 'X' : '.')).join('');
}

export function describeScale(cell: Bytes): string {
  return `1 cell = ${formatSize(cell)}`;
}
