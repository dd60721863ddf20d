/**
 * Copy-on-read as the node receiving BDRV_REQ_COPY_ON_READ performs it
 * (block/io.c:bdrv_co_do_copy_on_readv, reference 2.4).
 *
 * The range is widened to the node's clusters. Ranges the node already has (bdrv_is_allocated on
 * it alone; a filter answers for its child) are just read. The rest is read through the node's own
 * driver and written back into that same driver with BDRV_REQ_WRITE_UNCHANGED, as a zero write
 * when the chunk is all zeroes. Calling the driver directly skips bdrv_co_write_req_finish, so the
 * node's own bitmaps stay clean; whatever the driver forwards to children goes through the
 * generic path and dirties them. Verified on 7.2: COR consumed at a throttle node above a top
 * with [512K,640K) and [3M,3M+64K) allocated dirtied top for 4M minus those 192K.
 */
import { clipRuns, complement, mergeRuns, type Run } from '../data/extent-map.ts';
import type { BlockNode, IoPath } from '../graph/node.ts';
import type { Bytes } from '../size.ts';
import { flags as makeFlags, type IoResult, type RequestFlags } from './request.ts';

/** block/io.c MAX_BOUNCE_BUFFER: the largest chunk copied (and zero-tested) at once. */
const MAX_BOUNCE_BUFFER: Bytes = 32768 * 512;

const WRITE_UNCHANGED = makeFlags('BDRV_REQ_WRITE_UNCHANGED');

export function copyOnRead(io: IoPath, node: BlockNode, offset: Bytes, bytes: Bytes, flags: RequestFlags): IoResult<readonly Run[]> {
  const cluster = node.clusterSize() ?? 1;
  const start = Math.floor(offset / cluster) * cluster;
  const end = Math.min(Math.ceil((offset + bytes) / cluster) * cluster, node.length());
  const runs: Run[] = [];
  const allocated = node.driver.allocated(node, start, end - start);
  const pieces = [
    ...allocated.map((r) => ({ ...r, copy: false })),
    ...complement(allocated, start, end).map((r) => ({ ...r, copy: true })),
  ].sort((a, b) => a.start - b.start);
  for (const piece of pieces) {
    for (let at = piece.start; at < piece.end; at += MAX_BOUNCE_BUFFER) {
      const len = Math.min(MAX_BOUNCE_BUFFER, piece.end - at);
      const read = node.driver.read(io, node, at, len, flags);
      if (!read.ok) return read;
      if (piece.copy) {
        const copied = writeBack(io, node, at, len, read.value);
        if (!copied.ok) return copied;
      }
      runs.push(...read.value);
    }
  }
  return { ok: true, value: clipRuns(mergeRuns(runs), offset, offset + bytes) };
}

function writeBack(io: IoPath, node: BlockNode, offset: Bytes, bytes: Bytes, data: readonly Run[]): IoResult {
  const zero = data.every((r) => r.byte === 0);
  return node.driver.modify(
    io,
    node,
    zero
      ? { kind: 'write-zeroes', offset, bytes, flags: WRITE_UNCHANGED }
      : { kind: 'write', offset, bytes, flags: WRITE_UNCHANGED, data },
  );
}
