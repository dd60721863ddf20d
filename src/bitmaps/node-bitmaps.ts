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
  const bitmap = BdrvDirtyBitmap.create(name, node.length(), granularity, options);
  node.dirtyBitmaps.unshift(bitmap);
  return { bitmap };
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
