/**
 * The mirror's anonymous dirty bitmap on the source node (mirror_start_job; reference 4.4, 4.5):
 * listed without a name, enabled in background copy mode so guest writes mark it through the one
 * dirtying rule, disabled in write-blocking mode. The job itself sets and resets ranges whatever
 * the enabled state (bdrv_set_dirty_bitmap / bdrv_reset_dirty_bitmap).
 */
import type { BdrvDirtyBitmap } from '../bitmaps/dirty-bitmap.ts';
import { createDirtyBitmap, releaseDirtyBitmap } from '../bitmaps/node-bitmaps.ts';
import type { BlockNode } from '../graph/node.ts';
import type { DirtyExtent } from '../hbitmap/hbitmap.ts';
import type { Bytes } from '../size.ts';

export class MirrorBitmap {
  private constructor(
    private readonly node: BlockNode,
    readonly bitmap: BdrvDirtyBitmap,
  ) {}

  static create(node: BlockNode, granularity: Bytes, enabled: boolean): MirrorBitmap {
    const created = createDirtyBitmap(node, granularity, undefined, { disabled: !enabled });
    // An anonymous bitmap has no name to clash or be too long.
    if ('error' in created) throw new Error(created.error);
    return new MirrorBitmap(node, created.bitmap);
  }

  get granularity(): Bytes {
    return this.bitmap.granularity;
  }
  get count(): Bytes {
    return this.bitmap.count;
  }

  /** The first dirty area at or after `start`, at most `maxCount` bytes. */
  nextDirtyArea(start: Bytes, maxCount: Bytes): DirtyExtent | undefined {
    return this.bitmap.contents?.nextDirtyArea(start, this.bitmap.size, maxCount);
  }

  set(offset: Bytes, bytes: Bytes): void {
    this.bitmap.set(offset, bytes);
  }
  reset(offset: Bytes, bytes: Bytes): void {
    this.bitmap.reset(offset, bytes);
  }

  /** bdrv_release_dirty_bitmap. */
  release(): void {
    releaseDirtyBitmap(this.node, this.bitmap);
  }
}
