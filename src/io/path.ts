/**
 * The generic request path (block/io.c): what every request goes through at every node it
 * reaches, before and after that node's driver. Drivers forward to their children through the
 * same path, so a write through filter -> qcow2 is counted at each node (reference 2.3).
 */
import { mergeRuns, type Run } from '../data/extent-map.ts';
import type { BlockNode, IoPath, ModifyRequest, TruncateResult } from '../graph/node.ts';
import type { Semantics } from '../machine.ts';
import type { Bytes } from '../size.ts';
import { copyOnRead } from './copy-on-read.ts';
import { dirtyOnFinish, hasReadonlyBitmaps } from './dirtying.ts';
import { DONE, failed, withFlag, withoutFlag, type IoResult, type RequestFlags } from './request.ts';

/** The path is stateless but for its semantics: built once for each, not on every request. */
const paths = new Map<Semantics, IoPath>();

export function genericPath(semantics: Semantics): IoPath {
  let io = paths.get(semantics);
  if (io === undefined) {
    io = buildPath(semantics);
    paths.set(semantics, io);
  }
  return io;
}

function buildPath(semantics: Semantics): IoPath {
  const io: IoPath = {
    read(node: BlockNode, offset: Bytes, bytes: Bytes, flags: RequestFlags): IoResult<readonly Run[]> {
      // bdrv_aligned_preadv: the part past the end of the node reads as zeroes.
      const end = offset + bytes;
      const inside = Math.max(0, Math.min(end, node.length()) - offset);
      const tail: Run[] = inside < bytes ? [{ start: offset + inside, end, byte: 0 }] : [];
      if (inside === 0) return { ok: true, value: tail };
      const r = flags.has('BDRV_REQ_COPY_ON_READ')
        ? copyOnRead(io, node, offset, inside, withoutFlag(flags, 'BDRV_REQ_COPY_ON_READ'))
        : node.driver.read(io, node, offset, inside, flags);
      return r.ok ? { ok: true, value: mergeRuns([...r.value, ...tail]) } : r;
    },

    modify(node: BlockNode, request: ModifyRequest): IoResult {
      if (request.offset + request.bytes > node.length()) return failed('EIO');
      if (node.readOnly) return failed('EPERM');
      // Both checks come before the tracked request starts, so nothing is dirtied.
      if (hasReadonlyBitmaps(node)) return failed('EPERM');
      if (request.kind === 'discard' && (node.discard !== 'unmap' || !node.driver.supportsDiscard)) return DONE;
      const result = node.driver.modify(io, node, detectZeroes(node, request));
      dirtyOnFinish(semantics, node, request);
      return result;
    },

    truncate(node: BlockNode, size: Bytes): TruncateResult {
      const result = node.driver.truncate(io, node, size);
      // bdrv_co_truncate finishes the request (bitmap resize) only when the driver succeeded.
      if (result.ok) for (const bitmap of node.dirtyBitmaps) bitmap.truncate(size);
      return result;
    },
  };
  return io;
}

/**
 * detect-zeroes turns an all-zero write into a zero write, with MAY_UNMAP when detect-zeroes=unmap
 * and the node has discard=unmap (block/io.c:bdrv_aligned_pwritev). Dirtying is unchanged.
 */
function detectZeroes(node: BlockNode, request: ModifyRequest): ModifyRequest {
  if (node.detectZeroes === 'off' || request.kind !== 'write' || request.data.some((r) => r.byte !== 0)) return request;
  let f = withFlag(request.flags, 'BDRV_REQ_ZERO_WRITE');
  if (node.detectZeroes === 'unmap' && node.discard === 'unmap') f = withFlag(f, 'BDRV_REQ_MAY_UNMAP');
  return { kind: 'write-zeroes', offset: request.offset, bytes: request.bytes, flags: f };
}
