/**
 * block-stream (block/stream.c in 7.2, reference 4.2): copy into `top` what it does not have but
 * the chain between its backing and the base overlay does, then make base its backing.
 *
 * A copy-on-read filter (implicit unless filter-node-name) goes above top. Each iteration looks at
 * up to 512 KiB (STREAM_CHUNK) from the current offset: the run unallocated in top and allocated
 * above base is read through the filter with BDRV_REQ_PREFETCH, so the copy-on-read happens at top
 * itself and its WRITE_UNCHANGED writes skip top's bitmaps (only top's protocol node is dirtied,
 * reference 2.4); a run top already has (guest writes included) is skipped, so newer data wins.
 * At the end top's image header names base (or nothing) as its backing file, so a restart opens
 * the new chain.
 */
import type { BlockNode } from '../graph/node.ts';
import type { BlockBackend } from '../graph/backend.ts';
import { blkRead } from '../io/blk.ts';
import { flags, type Errno } from '../io/request.ts';
import type { Machine } from '../machine.ts';
import { allocatedAbove, chainAbove, dropFilter, filterOrCow, insertFilter, releaseIfUnused, rewriteBackingFile, skipFilters, statusRun } from './chain.ts';
import { StreamCorDriver } from './cor-filter.ts';
import type { Job, JobDriver, StepOutcome } from './job.ts';

const STREAM_CHUNK = 512 * 1024;
const PREFETCH = flags('BDRV_REQ_PREFETCH');

export interface StreamPlan {
  readonly top: BlockNode;
  /** The new backing of top; undefined streams the whole chain. */
  readonly base: BlockNode | undefined;
  /** The lowest node copied from (stream_start's base_overlay: `bottom`, or the node above base). */
  readonly baseOverlay: BlockNode;
  readonly filterNodeName: string | undefined;
  /** What top's image header names as its backing file at the end (default: base's file). */
  readonly backingFile: string | undefined;
}

/** Insert the filter above top (the name was checked) and return the job's callbacks. */
export function streamDriver(machine: Machine, plan: StreamPlan, jobId: string): JobDriver {
  const filter = insertFilter(machine, new StreamCorDriver(plan.baseOverlay), 'file', plan.top, plan.filterNodeName);
  // stream_start reopens a read-only top read-write for the job; stream_clean undoes it.
  const wasReadOnly = plan.top.readOnly;
  plan.top.readOnly = false;
  const blk = machine.graph.attachBackend({ kind: 'internal', user: jobId }, filter);
  return new StreamRun(machine, plan, filter, blk, wasReadOnly);
}

class StreamRun implements JobDriver {
  readonly type = 'stream';
  private offset = 0;
  private len: number | undefined;
  /** An error ignored by on-error=ignore: the job still fails at the end and keeps the backing. */
  private ignored: { failed: Errno } | undefined;

  constructor(
    private readonly machine: Machine,
    private readonly plan: StreamPlan,
    private filter: BlockNode | undefined,
    private readonly blk: BlockBackend,
    private readonly wasReadOnly: boolean,
  ) {}

  /** stream_start blocks the filter, top and every node down to base. */
  nodes(): readonly BlockNode[] {
    const chain = chainAbove(this.plan.top, this.plan.base);
    return this.filter === undefined ? chain : [this.filter, ...chain];
  }

  step(job: Job): StepOutcome {
    const top = skipFilters(this.plan.top);
    if (this.len === undefined) {
      // stream_run: nothing to stream when top is the base overlay; else progress covers the disk.
      if (top === this.plan.baseOverlay) return 'done';
      this.len = top.length();
      job.total = this.len;
    }
    const offset = this.offset;
    if (offset >= this.len) return this.end();
    let run = statusRun(top.driver.allocated(top, offset, Math.min(STREAM_CHUNK, this.len - offset)), offset, Math.min(STREAM_CHUNK, this.len - offset));
    let copy = false;
    const backing = filterOrCow(top);
    if (!run.allocated && backing !== undefined) {
      run = statusRun(allocatedAbove(backing, this.plan.baseOverlay, offset, run.bytes), offset, run.bytes);
      copy = run.allocated;
    }
    if (copy) {
      const r = blkRead(this.machine, this.blk, offset, run.bytes, PREFETCH);
      if (!r.ok) {
        const action = job.errorAction('read', r.errno);
        if (action === 'report') return { failed: r.errno };
        if (action === 'stop') return 'more';
        this.ignored ??= { failed: r.errno };
      }
    }
    this.offset += run.bytes;
    job.current += run.bytes;
    return this.offset < this.len ? 'more' : this.end();
  }

  private end(): StepOutcome {
    return this.ignored ?? 'done';
  }

  /**
   * stream_prepare: drop the filter; if top has a backing, make base its backing, rewrite the
   * header's backing file (even when base already was the backing) and close what fell out.
   */
  prepare(): undefined {
    this.dropFilter();
    const top = skipFilters(this.plan.top);
    const first = filterOrCow(top);
    if (first === undefined) return undefined;
    rewriteBackingFile(top, this.plan.base, this.plan.backingFile);
    if (first !== this.plan.base) {
      top.setChild('backing', this.plan.base);
      releaseIfUnused(this.machine.graph, first);
    }
    return undefined;
  }

  abort(): void {}

  clean(): void {
    this.dropFilter();
    this.machine.graph.detachBackend(this.blk);
    if (this.wasReadOnly) this.plan.top.readOnly = true;
  }

  private dropFilter(): void {
    if (this.filter === undefined) return;
    this.machine.graph.detachBackend(this.blk);
    dropFilter(this.machine.graph, this.filter);
    this.filter = undefined;
  }
}
