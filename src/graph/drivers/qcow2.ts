/**
 * block/qcow2.c: guest data lives in the image's virtual extent map; unallocated ranges read from
 * the `backing` child (through the generic path, so past the backing file's end reads zeroes).
 * Every change also writes host clusters or metadata into the `file` child at host offsets the
 * sim does not model, so the file child's bitmaps are marked unmodelled, not guessed (ref. 2.2).
 *
 * Allocation goes by whole clusters, as the L2 table does (no extended L2 / subclusters): a write
 * or zero write touching an unallocated cluster allocates all of it, and the part outside the
 * request gets what the layers below held at that moment (copy-on-write from the backing chain,
 * zeroes without one: qcow2-cluster.c:qcow2_alloc_host_offset + qcow2.c:perform_cow). Block
 * status, and so what stream, commit and mirror sync=top copy, then covers the whole cluster.
 * Verified on 7.2 with qemu-img map: a 4K write (or `write -z`) over a backing file with data
 * maps the whole 64K cluster at depth 0, holding the backing's bytes around the written ones.
 */
import type { Range, Run } from '../../data/extent-map.ts';
import { clipRuns, mergeRuns } from '../../data/extent-map.ts';
import type { Qcow2Image } from '../../image/image.ts';
import { dirtyUnmodelled } from '../../io/dirtying.ts';
import { DONE, failed, NO_FLAGS, type IoResult } from '../../io/request.ts';
import type { Bytes } from '../../size.ts';
import type { BlockNode, Driver, IoPath, ModifyRequest, TruncateResult } from '../node.ts';

const HOST_UNMODELLED = 'qcow2 host-cluster allocation is not modelled';

export class Qcow2Driver implements Driver {
  readonly name = 'qcow2';
  readonly isFilter = false;
  readonly supportsDiscard = true;
  /**
   * bs->auto_backing_file: the header's backing file name, or for a backing node opened from the
   * header that node's file name; bdrv_change_backing_file sets it to the name it writes. The node
   * counts as having its backing overridden when this differs from the backing node's file name.
   */
  autoBackingFile = '';

  constructor(readonly image: Qcow2Image) {}

  length(): Bytes {
    return this.image.size;
  }

  clusterSize(): Bytes {
    return this.image.clusterSize;
  }

  filename(): string {
    return this.image.filename;
  }

  read(io: IoPath, node: BlockNode, offset: Bytes, bytes: Bytes): IoResult<readonly Run[]> {
    const below = this.readHoles(io, node, [{ start: offset, end: offset + bytes }]);
    if (!below.ok) return below;
    const runs = [...this.image.data.allocated(offset, bytes), ...below.value];
    return { ok: true, value: mergeRuns(runs.sort((a, b) => a.start - b.start)) };
  }

  /** What the unallocated parts of `ranges` read as: the backing chain's data, or zeroes. */
  private readHoles(io: IoPath, node: BlockNode, ranges: readonly Range[]): IoResult<Run[]> {
    const backing = node.child('backing');
    const runs: Run[] = [];
    for (const range of ranges) {
      for (const hole of this.image.data.holes(range.start, range.end - range.start)) {
        if (backing === undefined) {
          runs.push({ ...hole, byte: 0 });
          continue;
        }
        // qcow2_co_preadv_task reads the backing file with flags 0.
        const r = io.read(backing, hole.start, hole.end - hole.start, NO_FLAGS);
        if (!r.ok) return r;
        runs.push(...r.value);
      }
    }
    return { ok: true, value: runs };
  }

  /**
   * The copy-on-write part of a write to [offset, offset + bytes): the unallocated rest of the
   * clusters it touches (the last one clipped to the image end), as the chain below reads it now.
   */
  private copyOnWrite(io: IoPath, node: BlockNode, offset: Bytes, bytes: Bytes): IoResult<Run[]> {
    if (bytes === 0) return { ok: true, value: [] };
    const c = this.image.clusterSize;
    const head = { start: Math.floor(offset / c) * c, end: offset };
    const tail = { start: offset + bytes, end: Math.min(Math.ceil((offset + bytes) / c) * c, this.image.size) };
    return this.readHoles(io, node, [head, tail].filter((r) => r.end > r.start));
  }

  modify(io: IoPath, node: BlockNode, request: ModifyRequest): IoResult {
    const result = this.apply(io, node, request);
    if (result.changed) {
      const file = node.child('file');
      if (file !== undefined) dirtyUnmodelled(file, HOST_UNMODELLED);
    }
    return result.io;
  }

  private apply(io: IoPath, node: BlockNode, request: ModifyRequest): { io: IoResult; changed: boolean } {
    const data = this.image.data;
    const { offset, bytes } = request;
    switch (request.kind) {
      case 'write':
      case 'write-zeroes': {
        if (request.kind === 'write-zeroes' && this.image.compat === '0.10' && node.child('backing') === undefined) {
          return { io: DONE, changed: this.zeroV2(offset, bytes) };
        }
        // A zero write that cannot make whole zero clusters falls back to writing zeroes
        // (qcow2_co_pwrite_zeroes -ENOTSUP, bdrv_co_do_pwrite_zeroes), so both allocate alike.
        const cow = this.copyOnWrite(io, node, offset, bytes);
        if (!cow.ok) return { io: cow, changed: false };
        if (request.kind === 'write') data.setRuns(request.data);
        else data.set(offset, bytes, 0);
        data.setRuns(cow.value);
        return { io: DONE, changed: bytes > 0 };
      }
      case 'write-compressed':
        return this.writeCompressed(request.offset, request.bytes, request.data);
      case 'discard':
        return { io: DONE, changed: this.discard(node, offset, bytes) };
    }
  }

  /**
   * qcow2_co_pwritev_compressed_part: cluster-aligned, whole clusters except at the image end,
   * one cluster at a time; a cluster that already has a host offset fails with EIO
   * (qcow2_alloc_compressed_cluster_offset). The sim cannot tell a zero-flag cluster (which has
   * no host offset) from a data cluster, so any allocated cluster fails.
   */
  private writeCompressed(offset: Bytes, bytes: Bytes, runs: readonly Run[]): { io: IoResult; changed: boolean } {
    const c = this.image.clusterSize;
    if (offset % c !== 0 || (bytes % c !== 0 && offset + bytes !== this.image.size)) {
      return { io: failed('EINVAL'), changed: false };
    }
    let changed = false;
    for (let at = offset; at < offset + bytes; at += c) {
      const len = Math.min(c, offset + bytes - at);
      if (this.image.data.allocated(at, len).length > 0) return { io: failed('EIO'), changed };
      this.image.data.setRuns(clipRuns(runs, at, at + len));
      changed = true;
    }
    return { io: DONE, changed };
  }

  /**
   * A v2 image has no zero clusters; without a backing file an unallocated cluster already reads
   * zeroes. So a zero write deallocates every cluster it covers whole or that was unallocated
   * anyway (the rest reads zeroes, so qcow2_co_pwrite_zeroes widens to it), and writes zeroes
   * only into the allocated clusters it covers in part. Verified with qemu-img map on 7.2:
   * `write -z` of 64K over data unmaps it, of 4K over data keeps the cluster, of 4K over nothing
   * allocates nothing.
   */
  private zeroV2(offset: Bytes, bytes: Bytes): boolean {
    const c = this.image.clusterSize;
    const end = offset + bytes;
    for (let at = Math.floor(offset / c) * c; at < end; at += c) {
      const clusterEnd = Math.min(at + c, this.image.size);
      const whole = offset <= at && end >= clusterEnd;
      if (whole || this.image.data.allocated(at, clusterEnd - at).length === 0) this.image.data.clear(at, clusterEnd - at);
      else this.image.data.set(Math.max(at, offset), Math.min(clusterEnd, end) - Math.max(at, offset), 0);
    }
    return bytes > 0;
  }

  /**
   * Only whole clusters are discarded (the generic path aligns to the cluster size). With a
   * backing file a v3 image keeps them as zero clusters so the backing data stays hidden; otherwise
   * they become unallocated (qcow2-cluster.c:discard_in_l2_slice, full_discard=false).
   */
  private discard(node: BlockNode, offset: Bytes, bytes: Bytes): boolean {
    const c = this.image.clusterSize;
    const start = Math.ceil(offset / c) * c;
    const end = offset + bytes === this.image.size ? offset + bytes : Math.floor((offset + bytes) / c) * c;
    if (end <= start) return false;
    if (this.image.compat === '1.1' && node.child('backing') !== undefined) this.image.data.set(start, end - start, 0);
    else this.image.data.clear(start, end - start);
    return true;
  }

  /**
   * An allocated last cluster that the old end cut short is whole on the host, its tail zeroes
   * (copy-on-write read past the end), so growing the image shows the rest of it allocated and
   * reading zeroes. Verified on 7.2: 4K at 64K of a 100K image, resized to 1M, maps [64K, 128K).
   */
  private growLastCluster(size: Bytes): void {
    const c = this.image.clusterSize;
    const old = this.image.size;
    const last = Math.floor(old / c) * c;
    if (old === last || this.image.data.allocated(last, old - last).length === 0) return;
    this.image.data.set(old, Math.min(last + c, size) - old, 0);
  }

  allocated(_node: BlockNode, offset: Bytes, bytes: Bytes): readonly Range[] {
    const ranges: Range[] = [];
    for (const r of this.image.data.allocated(offset, bytes)) {
      const last = ranges.at(-1);
      if (last !== undefined && last.end === r.start) ranges[ranges.length - 1] = { start: last.start, end: r.end };
      else ranges.push({ start: r.start, end: r.end });
    }
    return ranges;
  }

  truncate(_io: IoPath, node: BlockNode, size: Bytes): TruncateResult {
    if (size % 512 !== 0) return { ok: false, message: 'The new size must be a multiple of 512' };
    if (size < this.image.size) this.image.data.truncate(size);
    else this.growLastCluster(size);
    this.image.size = size;
    const file = node.child('file');
    if (file !== undefined) dirtyUnmodelled(file, HOST_UNMODELLED);
    return { ok: true };
  }
}
