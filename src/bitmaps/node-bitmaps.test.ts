import { describe, expect, it } from 'vitest';
import { BitmapDirectory } from '../image/bitmap-directory.ts';
import { Machine } from '../machine.ts';
import { size } from '../size.ts';
import { BdrvDirtyBitmap } from './dirty-bitmap.ts';
import { abdicateDirtyBitmap, bitmapSizeRefusal, createDirtyBitmap, createSuccessor, reclaimDirtyBitmap } from './node-bitmaps.ts';
import { canStoreNewDirtyBitmap } from './persistent-checks.ts';
import { addQcow2 } from './test-machine.ts';

function node() {
  return addQcow2(new Machine(), 'n0', size('8M'));
}

function create(n: ReturnType<typeof node>, name: string): BdrvDirtyBitmap {
  const r = createDirtyBitmap(n, 65536, name);
  if ('error' in r) throw new Error(r.error);
  return r.bitmap;
}

describe('a node’s bitmap list', () => {
  it('keeps bitmaps newest first with the node length as size', () => {
    const n = node();
    create(n, 'a');
    create(n, 'b');
    expect(n.dirtyBitmaps.map((b) => [b.name, b.size])).toEqual([['b', size('8M')], ['a', size('8M')]]);
  });

  it('lists the successor, and drops the parent on abdicate', () => {
    const n = node();
    const b0 = create(n, 'b0');
    expect(createSuccessor(n, b0)).toBeUndefined();
    expect(n.dirtyBitmaps.map((b) => b.name)).toEqual([undefined, 'b0']);
    expect(createSuccessor(n, b0)).toBe('Cannot create a successor for a bitmap that is in-use by an operation');
    const heir = abdicateDirtyBitmap(n, b0);
    expect(n.dirtyBitmaps).toEqual([heir]);
    expect(heir.name).toBe('b0');
  });

  it('drops the successor on reclaim', () => {
    const n = node();
    const b0 = create(n, 'b0');
    createSuccessor(n, b0);
    b0.markDirty(0, 1);
    reclaimDirtyBitmap(n, b0);
    expect(n.dirtyBitmaps).toEqual([b0]);
    expect(b0.count).toBe(65536);
  });
});

describe('canStoreNewDirtyBitmap', () => {
  const store = { compat: '1.1', clusterSize: 65536, bitmaps: new BitmapDirectory() } as const;

  it('accepts a fresh name on a v3 image', () => {
    expect(canStoreNewDirtyBitmap(node(), store, 'p', 65536)).toBeUndefined();
  });

  it('refuses when the directory would exceed 64 MiB before the count limit is reached', () => {
    const n = node();
    // ceil((24 + 1023) / 8) * 8 = 1048 bytes an entry; 64100 of them exceed 1024 * 65535 bytes.
    const long = BdrvDirtyBitmap.create('y'.repeat(1023), size('8M'), 65536, { persistent: true });
    n.dirtyBitmaps.push(...Array<BdrvDirtyBitmap>(64100).fill(long));
    expect(canStoreNewDirtyBitmap(n, store, 'z'.repeat(1023), 65536)).toBe(
      `Can't make bitmap '${'z'.repeat(1023)}' persistent in 'n0': Not enough space in the bitmap directory`,
    );
  });

  it('ignores non-persistent bitmaps in the limits', () => {
    const n = node();
    const transient = BdrvDirtyBitmap.create('t', size('8M'), 65536);
    n.dirtyBitmaps.push(...Array<BdrvDirtyBitmap>(70000).fill(transient));
    expect(canStoreNewDirtyBitmap(n, store, 'p', 65536)).toBeUndefined();
  });
});

describe('bitmapSizeRefusal', () => {
  it('allows up to 2^41 granules, as util/hbitmap.c:hbitmap_alloc does', () => {
    expect(bitmapSizeRefusal(2 ** 50, 512)).toBeUndefined(); // 2^41 granules exactly
    expect(bitmapSizeRefusal(2 ** 50 + 1, 512)).toMatch(/^a bitmap of more than 2\^41 granules .* crashes QEMU 7\.2/);
    expect(bitmapSizeRefusal(2 ** 53 - 1, 2 ** 31)).toBeUndefined();
  });

  it('refuses lengths the model cannot hold exactly, instead of throwing', () => {
    expect(bitmapSizeRefusal(2 ** 60, 2 ** 31)).toBe('a node of 1152921504606847000 bytes is beyond what dirtysim simulates (at most 2^53 - 1 bytes)');
  });
});
