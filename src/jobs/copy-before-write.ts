/**
 * The copy-before-write filter (block/copy-before-write.c in 7.2, reference 4.7) as backup inserts
 * it above its source (bdrv_cbw_append; driver `copy-before-write`, implicit name unless the user
 * gives filter-node-name).
 *
 * Before a write, zero write, compressed write or discard passes to the source, the clusters it
 * touches that the copy bitmap still marks are copied to the target, so the target gets the old
 * data (cbw_do_copy_before_write). A WRITE_UNCHANGED write changes no data and copies nothing.
 * If the copy fails, the guest's request fails too (on-cbw-error=break-guest-write, the default,
 * the only one backup uses). Afterwards the touched clusters are set in the filter's done bitmap.
 * The filter keeps two anonymous disabled bitmaps of its own: done (created first) and access
 * (all set, listed first as the newer); probed on 7.2.22.
 */
import { PassThroughDriver } from '../graph/drivers/passthrough.ts';
import type { BlockNode, IoPath, ModifyRequest } from '../graph/node.ts';
import { failed, type IoResult } from '../io/request.ts';
import type { Machine } from '../machine.ts';
import type { BlockCopyState } from './block-copy.ts';
import { dropFilter, insertFilter } from './chain.ts';
import { InternalBitmap } from './internal-bitmap.ts';

class CopyBeforeWriteDriver extends PassThroughDriver {
  done: InternalBitmap | undefined;

  constructor(readonly bcs: BlockCopyState) {
    super('copy-before-write', true, 'file');
  }

  override modify(io: IoPath, node: BlockNode, request: ModifyRequest): IoResult {
    if (!request.flags.has('BDRV_REQ_WRITE_UNCHANGED') && request.bytes > 0) {
      const { clusterSize } = this.bcs;
      const start = request.offset - (request.offset % clusterSize);
      const end = Math.ceil((request.offset + request.bytes) / clusterSize) * clusterSize;
      const failure = this.bcs.copy(start, end - start);
      if (failure !== undefined) return failed(failure.errno);
      this.done?.set(start, end - start);
    }
    return super.modify(io, node, request);
  }
}

export interface CopyBeforeWrite {
  readonly node: BlockNode;
  readonly bcs: BlockCopyState;
  /** bdrv_cbw_drop: the filter leaves the graph with its bitmaps, the copy bitmap goes too. */
  drop(): void;
}

/**
 * bdrv_cbw_append: the filter goes above `bcs.source`, taking over its parents. Not the target's
 * edges: the filter has the target as a child, so pointing the target at the filter would make a
 * loop, which bdrv_replace_node skips (a drive-backup sync=none target keeps the source as backing).
 */
export function appendCopyBeforeWrite(machine: Machine, bcs: BlockCopyState, target: BlockNode, filterNodeName: string | undefined): CopyBeforeWrite {
  const driver = new CopyBeforeWriteDriver(bcs);
  const node = insertFilter(machine, driver, 'file', bcs.source, filterNodeName);
  for (const [role, child] of target.children()) if (child === node) target.setChild(role, bcs.source);
  const done = InternalBitmap.create(node, bcs.clusterSize);
  const access = InternalBitmap.create(node, bcs.clusterSize);
  access.set(0, access.size);
  driver.done = done;
  return {
    node,
    bcs,
    drop() {
      done.release();
      access.release();
      dropFilter(machine.graph, node);
      bcs.release();
    },
  };
}
