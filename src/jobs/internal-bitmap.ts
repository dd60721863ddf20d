/**
 * An anonymous, disabled bitmap a job keeps on a node for its own bookkeeping (block-copy's copy
 * bitmap, copy-before-write's done and access bitmaps; reference 3.1, 4.7). QEMU sets and resets
 * such bitmaps directly (bdrv_set_dirty_bitmap / bdrv_reset_dirty_bitmap), whatever their enabled
 * state, while guest writes pass them by because they are disabled. They are listed in the node's
 * bitmaps like any other, so a query shows them without a name.
 */
import { BdrvDirtyBitmap } from '../bitmaps/dirty-bitmap.ts';
import { createDirtyBitmap, releaseDirtyBitmap } from '../bitmaps/node-bitmaps.ts';
import type { BlockNode } from '../graph/node.ts';
import { HBitmap } from '../hbitmap/hbitmap.ts';
import type { Bytes } from '../size.ts';

export class InternalBitmap {
  /**
   * The bits, sized at creation; the listed bitmap gets a copy after each change (a whole clone,
   * where BdrvDirtyBitmap.set/reset would edit in place). So after a block_resize of the node,
   * which the sim allows during a backup, the next change gives the listed bitmap contents of the
   * old size again while its size stays the new one.
   */
  readonly #bits: HBitmap;

  private constructor(
    private readonly node: BlockNode,
    readonly bitmap: BdrvDirtyBitmap,
  ) {
    this.#bits = HBitmap.create(bitmap.size, bitmap.granularity);
  }

  /** A new anonymous disabled bitmap at the head of `node`'s list, all clean. */
  static create(node: BlockNode, granularity: Bytes): InternalBitmap {
    const created = createDirtyBitmap(node, granularity, undefined, { disabled: true });
    // An anonymous bitmap has no name to clash or be too long.
    if ('error' in created) throw new Error(created.error);
    return new InternalBitmap(node, created.bitmap);
  }

  get size(): Bytes {
    return this.#bits.size;
  }
  get granularity(): Bytes {
    return this.#bits.granularity;
  }
  get count(): Bytes {
    return this.#bits.count;
  }
  get(offset: Bytes): boolean {
    return this.#bits.get(offset);
  }
  /** The first dirty byte at or after `start`, or undefined. */
  nextDirty(start: Bytes, count?: Bytes): Bytes | undefined {
    const at = this.#bits.nextDirty(start, count);
    return at === -1 ? undefined : at;
  }

  set(offset: Bytes, bytes: Bytes): void {
    this.#bits.set(offset, bytes);
    this.publish();
  }
  reset(offset: Bytes, bytes: Bytes): void {
    this.#bits.reset(offset, bytes);
    this.publish();
  }
  /** OR other bits in (bdrv_dirty_bitmap_merge_internal), rounding out to this granularity. */
  mergeFrom(other: BdrvDirtyBitmap): void {
    if (other.contents !== undefined) this.#bits.mergeFrom(other.contents);
    this.publish();
  }

  /** bdrv_release_dirty_bitmap. */
  release(): void {
    releaseDirtyBitmap(this.node, this.bitmap);
  }

  private publish(): void {
    this.bitmap.restore({ contents: this.#bits, unmodelled: undefined });
  }
}
