/**
 * Loading the stored bitmaps when a qcow2 node opens (block/qcow2-bitmap.c:qcow2_load_dirty_bitmaps;
 * reference 5.2). Entries are walked in directory order and each is created at the head of the
 * node's list, so the node lists them in reverse directory order.
 *
 *   entry without in_use  contents loaded; enabled iff `auto`; a writable node sets in_use in the
 *                         image at once (update_ext_header_and_dir_in_place)
 *   entry with in_use     inconsistent: disabled, no data, persistent (an unclean shutdown)
 *   read-only node        every loaded bitmap is readonly and the image is not touched
 *   owned by a device     skipped: a drive bitmap's entry (extension) loads onto its device (drive.ts)
 */
import { BdrvDirtyBitmap } from '../bitmaps/dirty-bitmap.ts';
import { findDirtyBitmap } from '../bitmaps/node-bitmaps.ts';
import type { BlockNode } from '../graph/node.ts';
import type { StoredBitmap } from '../image/bitmap-directory.ts';
import type { Bytes } from '../size.ts';
import { qcow2ImageOf } from './qcow2-node.ts';

export function loadDirtyBitmaps(node: BlockNode): void {
  const image = qcow2ImageOf(node);
  if (image === undefined) return;
  const writable = !node.readOnly;
  for (const entry of image.bitmaps.entries()) {
    // A drive bitmap's entry goes to its device when that exists (drive.ts), never to the node.
    if (entry.owner.kind === 'device') continue;
    // An in_use entry whose name is already in memory came in by migration: skipped.
    if (entry.inUse && findDirtyBitmap(node, entry.name) !== undefined) continue;
    node.dirtyBitmaps.unshift(loadedBitmap(entry, node.length(), !writable));
    if (!entry.inUse && writable) image.bitmaps.setFlags(entry.name, { inUse: true, auto: entry.auto });
  }
}

/** The in-memory bitmap of one entry, `length` long: inconsistent if in_use, else its contents. */
export function loadedBitmap(entry: StoredBitmap, length: Bytes, readonly: boolean): BdrvDirtyBitmap {
  if (entry.inUse) return BdrvDirtyBitmap.inconsistent(entry.name, length, entry.granularity, { readonly });
  const bitmap = BdrvDirtyBitmap.create(entry.name, length, entry.granularity, { persistent: true, disabled: !entry.auto, readonly });
  bitmap.restore({ contents: entry.contents, unmodelled: entry.unmodelled });
  return bitmap;
}
