/**
 * block/block-copy.c as backup and copy-before-write use it in 7.2: copy the clusters a copy
 * bitmap marks from the source node to the target, each at most once.
 *
 * The copy bitmap is an anonymous disabled bitmap on the source node with the cluster size as
 * granularity (block_copy_state_new; reference 3.1). A cluster's bit is reset when its copy starts
 * and set again if the copy fails (block_copy_task_end), so after a failure the bitmap still holds
 * every cluster not yet copied: what bitmap-mode=always merges back (reference 4.6).
 * The source is read directly (the copy-before-write filter above it is not passed); the target is
 * written through the job's internal BlockBackend with ordinary writes, so every enabled bitmap on
 * the target records each copied cluster in its own granules. A cluster that reads as zeroes is
 * written as a zero write (block_copy_do_copy), which dirties the same range: a full backup dirties
 * the whole target (probed on 7.2.22).
 */
import type { BlockBackend } from '../graph/backend.ts';
import type { BlockNode } from '../graph/node.ts';
import { blkModify, blkRead } from '../io/blk.ts';
import { NO_FLAGS, type Errno } from '../io/request.ts';
import type { Machine } from '../machine.ts';
import type { Bytes } from '../size.ts';
import { InternalBitmap } from './internal-bitmap.ts';

/** BLOCK_COPY_CLUSTER_SIZE_DEFAULT. */
const CLUSTER_SIZE_DEFAULT = 65536;

export interface CopyFailure {
  readonly operation: 'read' | 'write';
  readonly errno: Errno;
}

/**
 * block_copy_calculate_cluster_size: the target's cluster size, at least 64 KiB; 64 KiB when the
 * target has none (raw, file).
 */
export function blockCopyClusterSize(target: BlockNode): Bytes {
  return Math.max(CLUSTER_SIZE_DEFAULT, target.clusterSize() ?? 0);
}

export class BlockCopyState {
  readonly copyBitmap: InternalBitmap;
  /** Called with the bytes of each finished copy (block_copy_set_progress_meter). */
  onProgress: (bytes: Bytes) => void = () => {};

  constructor(
    private readonly machine: Machine,
    readonly source: BlockNode,
    private readonly target: BlockBackend,
    readonly clusterSize: Bytes,
  ) {
    this.copyBitmap = InternalBitmap.create(source, clusterSize);
  }

  get len(): Bytes {
    return this.copyBitmap.size;
  }

  /** The first cluster still to copy at or after `offset`. */
  nextDirty(offset: Bytes = 0): Bytes | undefined {
    return this.copyBitmap.nextDirty(offset);
  }

  /**
   * block_copy_reset_unallocated over the whole disk (backup sync=top): clusters the source node
   * itself has nothing in are not copied. A cluster stays if any byte of it is allocated.
   */
  resetUnallocated(): void {
    const { source, clusterSize, len } = this;
    for (let c = 0; c < len; c += clusterSize) {
      if (source.driver.allocated(source, c, Math.min(clusterSize, len - c)).length === 0) this.copyBitmap.reset(c, clusterSize);
    }
  }

  /** block_copy: copy every dirty cluster that [offset, offset+bytes) touches, in order. */
  copy(offset: Bytes, bytes: Bytes): CopyFailure | undefined {
    const end = Math.min(offset + bytes, this.len);
    for (let c = this.nextDirty(offset - (offset % this.clusterSize)); c !== undefined && c < end; c = this.nextDirty(c)) {
      const failure = this.copyCluster(c);
      if (failure !== undefined) return failure;
    }
    return undefined;
  }

  private copyCluster(offset: Bytes): CopyFailure | undefined {
    const bytes = Math.min(this.clusterSize, this.len - offset);
    this.copyBitmap.reset(offset, bytes);
    const failure = this.transfer(offset, bytes);
    if (failure !== undefined) {
      this.copyBitmap.set(offset, bytes);
      return failure;
    }
    this.onProgress(bytes);
    return undefined;
  }

  private transfer(offset: Bytes, bytes: Bytes): CopyFailure | undefined {
    const read = blkRead(this.machine, this.source, offset, bytes, NO_FLAGS);
    if (!read.ok) return { operation: 'read', errno: read.errno };
    const zero = read.value.every((r) => r.byte === 0);
    const written = blkModify(
      this.machine,
      this.target,
      zero ? { kind: 'write-zeroes', offset, bytes, flags: NO_FLAGS } : { kind: 'write', offset, bytes, flags: NO_FLAGS, data: read.value },
    );
    return written.ok ? undefined : { operation: 'write', errno: written.errno };
  }

  release(): void {
    this.copyBitmap.release();
    this.machine.graph.detachBackend(this.target);
  }
}
