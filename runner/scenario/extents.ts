/** Bitmap contents as written in expectations: extents `OFFSET+LENGTH` and '.'/'X' pictures. */
import { parseSize } from '../../src/size.ts';
import type { Extent } from '../backends/backend.ts';

export type ExtentParse = { readonly ok: true; readonly value: Extent } | { readonly ok: false; readonly reason: string };

export function parseExtent(text: string): ExtentParse {
  const parts = text.split('+');
  const bad = (why: string): ExtentParse => ({ ok: false, reason: `bad extent '${text}': ${why} (e.g. 192K+64K)` });
  if (parts.length !== 2) return bad('expected OFFSET+LENGTH');
  const [offset, length] = parts.map((p) => parseSize(p));
  if (!offset?.ok) return bad('the offset is not a size');
  if (!length?.ok) return bad('the length is not a size');
  if (length.value === 0) return bad('the length must not be 0');
  return { ok: true, value: { offset: offset.value, length: length.value } };
}

/** Extents must be in order and not touch, as a bitmap's dirty runs are. */
export function checkExtentOrder(extents: readonly Extent[]): string | undefined {
  for (let i = 1; i < extents.length; i++) {
    const prev = extents[i - 1];
    const cur = extents[i];
    if (prev && cur && cur.offset <= prev.offset + prev.length) {
      return `extents must be in increasing order and separate: entry ${i + 1} starts inside or right after entry ${i}`;
    }
  }
  return undefined;
}

export function checkPicture(map: string): string | undefined {
  if (map.length === 0) return "an empty map picture (use '.' per clean cell, 'X' per dirty cell)";
  const bad = /[^.X]/.exec(map);
  if (bad) return `bad map picture: '${bad[0]}' at cell ${bad.index + 1} (only '.' and 'X')`;
  return undefined;
}
