/** Extent lists in the spelling scenarios use: `[192K+64K, 1M+4K]` (offset+length, qemu-img sizes). */
import { formatSize } from '../../src/size.ts';
import type { Extent } from '../backends/backend.ts';

/** Sorted, with overlapping and adjacent runs merged: two spellings of one set compare equal. */
export function normaliseExtents(extents: readonly Extent[]): Extent[] {
  const sorted = extents.filter((e) => e.length > 0).toSorted((a, b) => a.offset - b.offset);
  const out: Extent[] = [];
  for (const e of sorted) {
    const last = out.at(-1);
    if (last !== undefined && e.offset <= last.offset + last.length) {
      out[out.length - 1] = { offset: last.offset, length: Math.max(last.length, e.offset + e.length - last.offset) };
    } else {
      out.push(e);
    }
  }
  return out;
}

export function formatExtents(extents: readonly Extent[]): string {
  return `[${extents.map((e) => `${formatSize(e.offset)}+${formatSize(e.length)}`).join(', ')}]`;
}
