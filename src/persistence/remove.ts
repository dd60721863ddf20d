/**
 * block-dirty-bitmap-remove's effect on the image (blockdev.c:block_dirty_bitmap_remove,
 * qcow2_co_remove_persistent_dirty_bitmap; reference 3.3, 5.2): a persistent bitmap's entry leaves
 * the qcow2 directory at once, already at transaction prepare, and the bitmap is marked
 * skip_store. Abort undoes only the skip_store, so the next close stores the bitmap anew.
 */
import type { BdrvDirtyBitmap } from '../bitmaps/dirty-bitmap.ts';
import type { BlockNode } from '../graph/node.ts';
import { qcow2ImageOf } from './qcow2-node.ts';

/** Deletes the stored copy (absence is no error) and returns the abort's undo. */
export function removePersistentDirtyBitmap(node: BlockNode | undefined, bitmap: BdrvDirtyBitmap): () => void {
  const persistent = bitmap.persistent;
  if (persistent && node !== undefined && bitmap.name !== undefined) qcow2ImageOf(node)?.bitmaps.remove(bitmap.name);
  // skip_store: store consults the sim's persistent flag, so clearing it skips the bitmap.
  bitmap.setPersistent(false);
  return () => bitmap.setPersistent(persistent);
}
