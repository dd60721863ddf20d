/**
 * block-commit of an intermediate (top is not the active layer; block/commit.c, reference 4.3).
 *
 * A commit_top filter goes above top. The job first grows base to top's length if it is shorter
 * (a truncate through base's BlockBackend: base's bitmaps are resized, no bits set). Each iteration
 * looks at up to 512 KiB (COMMIT_BUFFER_SIZE): a run allocated from top down to the base overlay
 * is read through the job's BlockBackend on top and written to base through the one on base with
 * flags 0, an ordinary write, so every enabled bitmap on base records everything committed.
 * At prepare the overlay above top gets base as backing (bdrv_drop_intermediate) and its image
 * header names base's file; top and the intermediates leave the chain. Abort only removes the
 * filter: what reached base stays.
 */
import type { BlockNode } from '../graph/node.ts';
import type { BlockBackend } from '../graph/backend.ts';
import { PassThroughDriver } from '../graph/drivers/passthrough.ts';
import { blkModify, blkRead } from '../io/blk.ts';
import { genericPath } from '../io/path.ts';
import { NO_FLAGS, type Errno } from '../io/request.ts';
import type { Machine } from '../machine.ts';
import { allocatedAbove, dropFilter, filterOrCow, findOverlay, insertFilter, releaseIfUnused, replaceNode, rewriteBackingFile, statusRun } from './chain.ts';
import type { Job, JobDriver, StepOutcome } from './job.ts';

const COMMIT_BUFFER_SIZE = 512 * 1024;

/** block/commit.c:bdrv_commit_top: a filter over its backing child. */
class CommitTopDriver extends PassThroughDriver {
  constructor() {
    super('commit_top', true, 'backing');
  }
}

export interface CommitPlan {
  /** The device's root node the command named: block_job_create holds it as the job's main node. */
  readonly root: BlockNode;
  readonly top: BlockNode;
  readonly base: BlockNode;
  readonly filterNodeName: string | undefined;
  /** What the overlay's image header names as its backing file at the end (default: base's file). */
  readonly backingFile: string | undefined;
}

export function commitDriver(machine: Machine, plan: CommitPlan, jobId: string): JobDriver {
  const { graph } = machine;
  const filter = insertFilter(machine, new CommitTopDriver(), 'backing', plan.top, plan.filterNodeName);
  // commit_start reopens a read-only base read-write; commit_clean reopens it read-only.
  const baseWasReadOnly = plan.base.readOnly;
  plan.base.readOnly = false;
  const baseBlk = graph.attachBackend({ kind: 'internal', user: jobId }, plan.base);
  const topBlk = graph.attachBackend({ kind: 'internal', user: jobId }, plan.top);
  return new CommitRun(machine, plan, filter, { base: baseBlk, top: topBlk }, baseWasReadOnly);
}

class CommitRun implements JobDriver {
  readonly type = 'commit';
  private offset = 0;
  private len: number | undefined;
  /** The top of the chain when the job started: the nodes that leave it at prepare. */
  private readonly baseOverlay: BlockNode;

  constructor(
    private readonly machine: Machine,
    private readonly plan: CommitPlan,
    private filter: BlockNode | undefined,
    private readonly blk: { readonly base: BlockBackend; readonly top: BlockBackend },
    private readonly baseWasReadOnly: boolean,
  ) {
    const overlay = findOverlay(plan.top, plan.base);
    if (overlay === undefined) throw new Error('commit: base is not below top');
    this.baseOverlay = overlay;
  }

  /**
   * block_job_create holds the root (so it is no longer a root node for another job's command:
   * "Need a root block node", probed on 7.2.22); commit_start blocks the filter and every node
   * from top down to base, base included.
   */
  nodes(): readonly BlockNode[] {
    const out: BlockNode[] = [this.plan.root];
    if (this.filter !== undefined) out.push(this.filter);
    for (let n: BlockNode | undefined = this.plan.top; n !== undefined; n = filterOrCow(n)) {
      out.push(n);
      if (n === this.plan.base) break;
    }
    return out;
  }

  step(job: Job): StepOutcome {
    const { top, base } = this.plan;
    if (this.len === undefined) {
      this.len = top.length();
      job.total = this.len;
      if (base.length() < this.len) {
        const grown = genericPath(this.machine.semantics).truncate(base, this.len);
        if (!grown.ok) return { failed: 'EIO' };
      }
    }
    const offset = this.offset;
    if (offset >= this.len) return 'done';
    const max = Math.min(COMMIT_BUFFER_SIZE, this.len - offset);
    const run = statusRun(allocatedAbove(top, this.baseOverlay, offset, max), offset, max);
    if (run.allocated) {
      const failure = this.copy(offset, run.bytes);
      if (failure !== undefined) {
        const action = job.errorAction(failure.operation, failure.errno);
        // commit_run retries the same offset unless the error is reported.
        return action === 'report' ? { failed: failure.errno } : 'more';
      }
    }
    this.offset += run.bytes;
    job.current += run.bytes;
    return this.offset < this.len ? 'more' : 'done';
  }

  private copy(offset: number, bytes: number): { operation: 'read' | 'write'; errno: Errno } | undefined {
    const read = blkRead(this.machine, this.blk.top, offset, bytes, NO_FLAGS);
    if (!read.ok) return { operation: 'read', errno: read.errno };
    const written = blkModify(this.machine, this.blk.base, { kind: 'write', offset, bytes, flags: NO_FLAGS, data: read.value });
    return written.ok ? undefined : { operation: 'write', errno: written.errno };
  }

  /**
   * commit_prepare: bdrv_drop_intermediate(commit_top, base) relinks the filter's parents to base
   * and rewrites the backing file in the header of each that has it as its backing (COW) child.
   */
  prepare(): undefined {
    const { graph } = this.machine;
    graph.detachBackend(this.blk.base);
    if (this.filter !== undefined) {
      for (const parent of graph.parents(this.filter)) {
        if (parent.kind === 'node' && parent.role === 'backing' && !parent.node.driver.isFilter) {
          rewriteBackingFile(parent.node, this.plan.base, this.plan.backingFile);
        }
      }
      replaceNode(graph, this.filter, this.plan.base);
      graph.removeNode(this.filter);
      this.filter = undefined;
    }
    return undefined;
  }

  abort(): void {
    if (this.filter !== undefined) dropFilter(this.machine.graph, this.filter);
    this.filter = undefined;
  }

  clean(): void {
    const { graph } = this.machine;
    graph.detachBackend(this.blk.base);
    graph.detachBackend(this.blk.top);
    if (this.baseWasReadOnly) this.plan.base.readOnly = true;
    releaseIfUnused(graph, this.plan.top);
  }
}
