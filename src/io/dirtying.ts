/**
 * The one place that decides which bitmaps a finished request dirties.
 *
 * QEMU sets bitmaps only in block/dirty-bitmap.c:bdrv_set_dirty, called only from
 * block/io.c:bdrv_co_write_req_finish, for every write, zero write, compressed write and
 * (tracked) discard that went through the generic path of that node, with bytes > 0. The
 * request's flags and its return value are ignored: a failed write still dirties (reference 2.1).
 * Under 'write-unchanged-clean' a request carrying BDRV_REQ_WRITE_UNCHANGED dirties nothing.
 */
import type { BlockNode, ModifyRequest } from '../graph/node.ts';
import type { Semantics } from '../machine.ts';

export function dirtyOnFinish(semantics: Semantics, node: BlockNode, request: ModifyRequest): void {
  if (request.bytes === 0) return;
  if (semantics === 'write-unchanged-clean' && request.flags.has('BDRV_REQ_WRITE_UNCHANGED')) return;
  for (const bitmap of node.dirtyBitmaps) {
    if (bitmap.recording) bitmap.markDirty(request.offset, request.bytes);
  }
}

/**
 * A format driver wrote into its protocol child at host offsets the sim does not model (qcow2
 * clusters, L2 and refcount updates). QEMU dirties that child's bitmaps at those host offsets
 * (reference 2.2, last row) under either semantics, since the host writes carry no
 * WRITE_UNCHANGED; the sim records that the exact bits are unknown rather than guessing them.
 */
export function dirtyUnmodelled(node: BlockNode, reason: string): void {
  for (const bitmap of node.dirtyBitmaps) {
    if (bitmap.recording) bitmap.markUnmodelled(reason);
  }
}

/** bdrv_has_readonly_bitmaps: such a node refuses writes and discards with EPERM (reference 2.2). */
export function hasReadonlyBitmaps(node: BlockNode): boolean {
  return node.dirtyBitmaps.some((b) => b.readonly);
}
