/**
 * The sync bitmap of a backup job (block/backup.c 7.2, reference 4.6).
 *
 * At creation the bitmap is frozen behind an anonymous successor that records every write from
 * then on (bdrv_dirty_bitmap_create_successor); unless the mode is `never` it must first pass the
 * DEFAULT check (busy, readonly, inconsistent). When the job ends (backup_cleanup_sync_bitmap):
 *   success, mode on-success or always   abdicate: the bitmap becomes "writes since the start"
 *   failure or cancel, or mode never     reclaim: the bitmap becomes parent ∪ successor
 *   failure or cancel with mode always   abdicate, then merge the clusters not yet copied
 * Worked example (64 KiB granules, b0 = {0, 2, 16, 32}, a guest write to 48 during the job, the
 * job copied cluster 0 and then was cancelled): on-success and never give {0, 2, 16, 32, 48};
 * always gives {2, 16, 32, 48}; a success with on-success or always gives {48}.
 */
import { BDRV_BITMAP_DEFAULT, type BdrvDirtyBitmap } from '../bitmaps/dirty-bitmap.ts';
import { abdicateDirtyBitmap, createSuccessor, reclaimDirtyBitmap } from '../bitmaps/node-bitmaps.ts';
import type { BlockNode } from '../graph/node.ts';
import type { InternalBitmap } from './internal-bitmap.ts';

export type BitmapMode = 'on-success' | 'never' | 'always';

export interface SyncBitmap {
  readonly node: BlockNode;
  readonly bitmap: BdrvDirtyBitmap;
  readonly mode: BitmapMode;
}

/** backup_job_create's check: unless the mode is never, the bitmap must pass DEFAULT. */
export function syncBitmapRefusal(sync: SyncBitmap): string | undefined {
  return sync.mode === 'never' ? undefined : sync.bitmap.check(BDRV_BITMAP_DEFAULT);
}

/** bdrv_dirty_bitmap_create_successor, once the checks passed (so it cannot fail). */
export function freezeSyncBitmap(sync: SyncBitmap): void {
  const error = createSuccessor(sync.node, sync.bitmap);
  if (error !== undefined) throw new Error(`freezing a checked sync bitmap: ${error}`);
}

/** The start was undone after the freeze (a later transaction action failed). */
export function thawSyncBitmap(sync: SyncBitmap): void {
  reclaimDirtyBitmap(sync.node, sync.bitmap);
}

/** backup_cleanup_sync_bitmap: `uncopied` is block-copy's copy bitmap at the end. */
export function cleanupSyncBitmap(sync: SyncBitmap, succeeded: boolean, uncopied: InternalBitmap): void {
  const abdicate = (succeeded || sync.mode === 'always') && sync.mode !== 'never';
  if (!abdicate) {
    reclaimDirtyBitmap(sync.node, sync.bitmap);
    return;
  }
  const heir = abdicateDirtyBitmap(sync.node, sync.bitmap);
  if (!succeeded) heir.mergeFrom(uncopied.bitmap);
}
