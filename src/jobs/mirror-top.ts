/**
 * block/mirror.c:bdrv_mirror_top, the filter a mirror or active commit puts above its source: a
 * filter over its backing child, so guest requests reach the source through it unchanged. In
 * write-blocking copy mode it also hands each finished write, zero write or discard to the job
 * (bdrv_mirror_top_do_write), which copies it to the target before the guest sees it complete.
 */
import { PassThroughDriver } from '../graph/drivers/passthrough.ts';
import type { BlockNode, IoPath, ModifyRequest } from '../graph/node.ts';
import type { IoResult } from '../io/request.ts';

/** What the job does with a guest request that reached the source. */
export type ActiveWrite = (request: ModifyRequest) => void;

export class MirrorTopDriver extends PassThroughDriver {
  /** Set by a write-blocking job while it may still copy (not cancelled, not failed). */
  activeWrite: ActiveWrite | undefined;

  constructor() {
    super('mirror_top', true, 'backing');
  }

  override modify(io: IoPath, node: BlockNode, request: ModifyRequest): IoResult {
    const r = super.modify(io, node, request);
    // The source write comes first; a failed one is not copied (the guest sees the error).
    if (r.ok) this.activeWrite?.(request);
    return r;
  }
}
