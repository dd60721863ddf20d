/**
 * The copy-on-read filter block-stream inserts (block/copy-on-read.c with its `bottom` option,
 * which blockdev-add's copy-on-read does not model): a read carries BDRV_REQ_COPY_ON_READ only
 * where the data comes from between the filtered node's backing and `bottom` (cor_co_preadv_part
 * asks bdrv_is_allocated_above), so a guest read during the stream never copies base's data.
 */
import { mergeRuns, type Run } from '../data/extent-map.ts';
import { CopyOnReadDriver } from '../graph/drivers/passthrough.ts';
import type { BlockNode, IoPath } from '../graph/node.ts';
import { withFlag, withoutFlag, type IoResult, type RequestFlags } from '../io/request.ts';
import type { Bytes } from '../size.ts';
import { allocatedAbove, statusRun } from './chain.ts';

export class StreamCorDriver extends CopyOnReadDriver {
  constructor(private readonly bottom: BlockNode) {
    super();
  }

  override read(io: IoPath, node: BlockNode, offset: Bytes, bytes: Bytes, flags: RequestFlags): IoResult<readonly Run[]> {
    const file = this.child(node);
    const backing = file.child('backing');
    // bottom = the filtered node itself (streaming nothing): no layer lies between them.
    const copyable = backing === undefined || this.bottom === file ? [] : allocatedAbove(backing, this.bottom, offset, bytes);
    const runs: Run[] = [];
    for (let at = offset; at < offset + bytes; ) {
      const run = statusRun(copyable, at, offset + bytes - at);
      const f = run.allocated ? withFlag(flags, 'BDRV_REQ_COPY_ON_READ') : withoutFlag(flags, 'BDRV_REQ_COPY_ON_READ');
      const r = io.read(file, at, run.bytes, f);
      if (!r.ok) return r;
      runs.push(...r.value);
      at += run.bytes;
    }
    return { ok: true, value: mergeRuns(runs) };
  }
}
