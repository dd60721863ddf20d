/**
 * A node's list of dirty bitmaps (BlockDriverState.dirty_bitmaps): creation, lookup, release and
 * the successor hand-over, keeping the list newest first as QEMU does (QLIST_INSERT_HEAD in
 * block/dirty-bitmap.c:bdrv_create_dirty_bitmap).
 */
import type { BlockNode } from '../graph/node.ts';
import type { Bytes } from '../size.ts';
import { BdrvDirtyBitmap, type BitmapOptions } from './dirty-bitmap.ts';

/** BDRV_BITMAP_MAX_NAME_SIZE, in bytes of UTF-8 as strlen counts them. */
export const BDRV_BITMAP_MAX_NAME_SIZE = 1023;

export function nameBytes(name: string): number {
  return new TextEncoder().encode(name).length;
}

/** bdrv_find_dirty_bitmap: named bitmaps only. */
export function findDirtyBitmap(node: BlockNode, name: string): BdrvDirtyBitmap | undefined {
  return node.dirtyBitmaps.find((b) => b.name === name);
}

/**
 * bdrv_get_default_bitmap_granularity: the node's cluster size clamped to [4K, 64K], or 64K when
 * the node has none (raw, file).
 */
export function defaultGranularity(node: BlockNode): Bytes {
  const cluster = node.clusterSize();
  return cluster === undefined || cluster === 0 ? 65536 : Math.min(65536, Math.max(4096, cluster));
}

/** bdrv_create_dirty_bitmap: a clean bitmap as long as the node is now, at the head of the list. */
export function createDirtyBitmap(
  node: BlockNode,
  granularity: Bytes,
  name: string | undefined,
  options: BitmapOptions = {},
): { readonly bitmap: BdrvDirtyBitmap } | { readonly error: string } {
  if (name !== undefined) {
    if (findDirtyBitmap(node, name)) return { error: `Bitmap already exists: ${name}` };
    if (nameBytes(name) > BDRV_BITMAP_MAX_NAME_SIZE) return { error: `Bitmap name too long: ${name}` };
  }
  const refusal = bitmapSizeRefusal(node.length(), granularity);
  if (refusal !== undefined) return { error: refusal };
  const bitmap = BdrvDirtyBitmap.create(name, node.length(), granularity, options);
  node.dirtyBitmaps.unshift(bitmap);
  return { bitmap };
}

/** HBITMAP_LOG_MAX_SIZE on 64-bit hosts: util/hbitmap.c:hbitmap_alloc asserts at most 2^41 granules. */
const HBITMAP_MAX_GRANULES = 2 ** 41;

/**
 * A bitmap QEMU cannot make, or the model cannot hold, as an error instead of a throw: more than
 * 2^41 granules aborts QEMU 7.2 (probed: a 512-byte-granularity bitmap on a 2^60-byte null-co
 * node), and a length above 2^53 is not a safe integer, which every offset here must be.
 */
export function bitmapSizeRefusal(length: Bytes, granularity: Bytes): string | undefined {
  if (Math.ceil(length / granularity) > HBITMAP_MAX_GRANULES) {
    return `a bitmap of more than 2^41 granules (${length} bytes at granularity ${granularity}) crashes QEMU 7.2 in hbitmap_alloc (not simulated)`;
  }
  if (!Number.isSafeInteger(length)) return `a node of ${length} bytes is beyond what dirtysim simulates (at most 2^53 - 1 bytes)`;
  return undefined;
}

/** bdrv_release_dirty_bitmap. */
export function releaseDirtyBitmap(node: BlockNode, bitmap: BdrvDirtyBitmap): void {
  const i = node.dirtyBitmaps.indexOf(bitmap);
  if (i >= 0) node.dirtyBitmaps.splice(i, 1);
}

/** bdrv_dirty_bitmap_create_successor: the anonymous successor joins the node's list. */
export function createSuccessor(node: BlockNode, bitmap: BdrvDirtyBitmap): string | undefined {
  const r = bitmap.createSuccessor();
  if ('error' in r) return r.error;
  node.dirtyBitmaps.unshift(r.successor);
  return undefined;
}

/** bdrv_dirty_bitmap_abdicate: the successor replaces the parent, which leaves the list. */
export function abdicateDirtyBitmap(node: BlockNode, parent: BdrvDirtyBitmap): BdrvDirtyBitmap {
  const heir = parent.abdicate();
  releaseDirtyBitmap(node, parent);
  return heir;
}

/** bdrv_reclaim_dirty_bitmap: the successor is folded back into the parent and leaves the list. */
export function reclaimDirtyBitmap(node: BlockNode, parent: BdrvDirtyBitmap): void {
  releaseDirtyBitmap(node, parent.reclaim());
}
