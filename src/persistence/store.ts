/**
 * Storing a node's persistent bitmaps on close, quit or inactivation
 * (block/qcow2-bitmap.c:qcow2_store_persistent_dirty_bitmaps; reference 5.2, 5.4). The node's list
 * is walked newest first: an existing entry is rewritten in place, a new one is appended, so
 * bitmaps added in one session land in the directory newest first.
 *
 * Skipped: not persistent (or skip_store), inconsistent, readonly. Stored flags: `auto` iff
 * enabled, in_use cleared. Any refusal stores nothing at all; QEMU then reports
 * "Lost persistent bitmaps during inactivation of node '…': …" on stderr.
 *
 * Drive bitmaps (extension, docs/drive-bitmaps.md) stored in the node go through the same walk,
 * after the node's own, with their device as the entry's owner.
 */
import type { BdrvDirtyBitmap } from '../bitmaps/dirty-bitmap.ts';
import type { BlockNode } from '../graph/node.ts';
import { dirEntrySize, QCOW2_MAX_BITMAP_DIRECTORY_SIZE, QCOW2_MAX_BITMAPS, type BitmapOwner, type StoredBitmap } from '../image/bitmap-directory.ts';
import { qcow2ImageOf } from './qcow2-node.ts';

/** A bitmap to store and who its entry names as owner. */
export interface ToStore {
  readonly bitmap: BdrvDirtyBitmap;
  readonly owner: BitmapOwner;
}

/** The node's own bitmaps, newest first, as entries owned by the node. */
export function nodeBitmapsToStore(node: BlockNode): ToStore[] {
  return node.dirtyBitmaps.map((bitmap) => ({ bitmap, owner: { kind: 'node' } }));
}

/** Stores and returns undefined, or returns the warning QEMU prints when it loses the bitmaps. */
export function storeDirtyBitmaps(node: BlockNode, bitmaps: readonly ToStore[]): string | undefined {
  const image = qcow2ImageOf(node);
  if (image === undefined) return undefined;
  const directory = image.bitmaps;
  let count = directory.entries().length;
  let size = directory.size;
  const updates: StoredBitmap[] = [];
  for (const { bitmap, owner } of bitmaps) {
    const name = bitmap.name;
    const contents = bitmap.contents;
    if (!bitmap.persistent || bitmap.readonly || name === undefined || contents === undefined) continue;
    const existing = directory.find(name);
    if (existing === undefined) {
      count++;
      size += dirEntrySize(name);
      if (count > QCOW2_MAX_BITMAPS) return lost(node, 'Too many persistent bitmaps');
      if (size > QCOW2_MAX_BITMAP_DIRECTORY_SIZE) return lost(node, 'Bitmap directory is too large');
    } else if (!existing.inUse) {
      return lost(node, `Bitmap '${name}' already exists in the image`);
    }
    updates.push({
      name,
      granularity: bitmap.granularity,
      type: 'dirty-tracking',
      inUse: false,
      auto: bitmap.enabled,
      contents: contents.clone(),
      unmodelled: bitmap.unmodelled,
      owner,
    });
  }
  if (updates.length > 0 && node.readOnly) return lost(node, 'No write access');
  for (const entry of updates) directory.put(entry);
  return undefined;
}

function lost(node: BlockNode, reason: string): string {
  return `Lost persistent bitmaps during inactivation of node '${node.nodeName}': ${reason}`;
}
