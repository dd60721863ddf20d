/**
 * The one rule for drive bitmaps (extension, docs/drive-bitmaps.md): a write, zero write,
 * compressed write or discard that a guest device's BlockBackend passes down to its root marks
 * the range, in the device's offsets, in every recording drive bitmap of that backend.
 *
 * Never recorded, under every semantics:
 *  - requests carrying BDRV_REQ_WRITE_UNCHANGED: they change no guest-visible data (Kevin Wolf,
 *    24 Mar 2020: "dirtying blocks for them would be a bug");
 *  - anything that does not enter through the device's backend: jobs' internal backends,
 *    copy-on-read write-backs (issued below the backend by the node that consumes the COR flag),
 *    writes a driver forwards to its children;
 *  - requests the backend refuses itself (no medium, tray open, past the end: blk.ts);
 *  - requests the root refuses with EPERM before any tracked request starts (read-only node,
 *    readonly bitmaps): nothing can have changed.
 * A request that fails later still counts, as it does for node bitmaps (reference 2.1): a failed
 * write may have changed part of the range, and a bitmap for backups must over-approximate.
 */
import type { BlockBackend } from '../graph/backend.ts';
import type { ModifyRequest } from '../graph/node.ts';
import type { IoResult } from '../io/request.ts';

export function dirtyDriveBitmaps(backend: BlockBackend, request: ModifyRequest, result: IoResult): void {
  if (request.bytes === 0 || request.flags.has('BDRV_REQ_WRITE_UNCHANGED')) return;
  if (!result.ok && result.errno === 'EPERM') return;
  for (const { bitmap } of backend.driveBitmaps) {
    if (bitmap.recording) bitmap.markDirty(request.offset, request.bytes);
  }
}
