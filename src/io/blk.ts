/**
 * Requests entering through a BlockBackend (block/block-backend.c), as a guest device, qemu-io
 * or a job's internal backend issues them: blk_check_byte_request refuses a range past the end
 * with EIO (qemu-io prints "write failed: Input/output error") and a backend without an
 * available medium (none inserted, or the tray open: blk_is_available) with ENOMEDIUM; then the
 * request enters the generic path at the root node. A device backend's drive bitmaps
 * (extension) record what passes here (drive/dirtying.ts).
 */
import type { Run } from '../data/extent-map.ts';
import { dirtyDriveBitmaps } from '../drive/dirtying.ts';
import { followDeviceLength } from '../drive/drive-bitmap.ts';
import type { BlockBackend } from '../graph/backend.ts';
import type { BlockNode, ModifyRequest } from '../graph/node.ts';
import type { Machine } from '../machine.ts';
import { genericPath } from './path.ts';
import { failed, type IoResult, type RequestFlags } from './request.ts';

export type BlkTarget = BlockBackend | BlockNode;

/** The root to submit to, or why the request is refused before reaching it. */
function checkRange(target: BlkTarget, offset: number, bytes: number): { root: BlockNode } | ReturnType<typeof failed> {
  const root = 'owner' in target ? target.root : target;
  if (root === undefined || ('owner' in target && target.trayOpen)) return failed('ENOMEDIUM');
  const len = root.length();
  if (offset < 0 || bytes < 0 || offset > len || len - offset < bytes) return failed('EIO');
  return { root };
}

export function blkRead(machine: Machine, target: BlkTarget, offset: number, bytes: number, flags: RequestFlags): IoResult<readonly Run[]> {
  const checked = checkRange(target, offset, bytes);
  return 'root' in checked ? genericPath(machine.semantics).read(checked.root, offset, bytes, flags) : checked;
}

export function blkModify(machine: Machine, target: BlkTarget, request: ModifyRequest): IoResult {
  const checked = checkRange(target, request.offset, request.bytes);
  if (!('root' in checked)) return checked;
  const result = genericPath(machine.semantics).modify(checked.root, request);
  if ('owner' in target) {
    followDeviceLength(target);
    dirtyDriveBitmaps(target, request, result);
  }
  return result;
}
