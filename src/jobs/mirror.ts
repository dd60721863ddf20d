/**
 * The mirror job's run (block/mirror.c, reference 4.4 and 4.5), shared by blockdev-mirror,
 * drive-mirror and active block-commit (commit_active_start: type `commit`, target = base).
 *
 * At start (mirror_start_job) a mirror_top filter goes above the source and an anonymous bitmap
 * of the mirror's granularity onto the SOURCE node (7.2; 10.0 puts it on the filter): enabled in
 * background copy mode, so guest writes record what to copy again; disabled in write-blocking
 * mode, where the filter copies each guest write to the target at once (do_sync_target_write).
 * The first iteration grows an active commit's base if shorter and marks the initial copy
 * (mirror_dirty_init); each iteration then copies one dirty area of at most 1 MiB through the
 * job's BlockBackend on the target: ordinary writes, or zero writes where the chain has no data,
 * so the target's bitmaps record everything copied. A clean bitmap makes the job ready; once
 * completed or soft-cancelled it stops there. Prepare (mirror_exit_common) releases the bitmap,
 * gives the target its backing (drive-mirror), pivots if job-complete asked for it (the target
 * replaces `replaces` or the source in every parent; no bitmap moves) and drops the filter.
 */
import type { BlockBackend } from '../graph/backend.ts';
import type { BlockNode, ModifyRequest } from '../graph/node.ts';
import { blkModify, blkRead } from '../io/blk.ts';
import { genericPath } from '../io/path.ts';
import { flags, NO_FLAGS, type Errno } from '../io/request.ts';
import type { Machine } from '../machine.ts';
import type { Bytes } from '../size.ts';
import { allocatedAbove, chainAbove, dropFilter, filterOrCow, findBase, insertFilter, releaseIfUnused, replaceNode, statusRun } from './chain.ts';
import type { Job, JobDriver, JobFailure, JobType, OnError, StepOutcome } from './job.ts';
import { MirrorBitmap } from './mirror-bitmap.ts';
import { MirrorTopDriver } from './mirror-top.ts';

/** MAX_IO_BYTES: the most one mirror operation copies. */
const MAX_IO_BYTES = 1024 * 1024;

export type CopyMode = 'background' | 'write-blocking';

export interface MirrorPlan {
  readonly type: Extract<JobType, 'mirror' | 'commit'>;
  readonly source: BlockNode;
  readonly target: BlockNode;
  /** Only what the source holds above this node is copied initially (sync=top, active commit). */
  readonly copyAbove: BlockNode | undefined;
  /** sync=none: no initial copy. */
  readonly initialCopy: boolean;
  readonly zeroTarget: boolean;
  readonly granularity: Bytes;
  readonly copyMode: CopyMode;
  readonly unmap: boolean;
  readonly replaces: BlockNode | undefined;
  /** drive-mirror's MIRROR_SOURCE_BACKING_CHAIN: the target's backing, set at the end. */
  readonly targetBacking: BlockNode | undefined;
  readonly filterNodeName: string | undefined;
  readonly onSourceError: OnError;
  readonly onTargetError: OnError;
}

/** mirror_start_job's graph changes; the job's first chunk does the rest. */
export function mirrorDriver(machine: Machine, plan: MirrorPlan, jobId: string): JobDriver {
  const top = new MirrorTopDriver();
  const filter = insertFilter(machine, top, 'backing', plan.source, plan.filterNodeName);
  const bitmap = MirrorBitmap.create(plan.source, plan.granularity, plan.copyMode === 'background');
  // An active commit reopens a read-only base read-write (commit_active_start).
  const targetWasReadOnly = plan.target.readOnly;
  plan.target.readOnly = false;
  const targetBlk = machine.graph.attachBackend({ kind: 'internal', user: jobId }, plan.target);
  return new MirrorRun(machine, plan, { filter, top, bitmap, targetBlk, targetWasReadOnly });
}

interface MirrorState {
  readonly filter: BlockNode;
  readonly top: MirrorTopDriver;
  readonly bitmap: MirrorBitmap;
  readonly targetBlk: BlockBackend;
  readonly targetWasReadOnly: boolean;
}

type Failure = { readonly operation: 'read' | 'write'; readonly errno: Errno };

class MirrorRun implements JobDriver {
  readonly type: JobType;
  private started = false;
  private synced = false;
  /** job-complete was accepted: pivot at the end (s->should_complete). */
  private shouldComplete = false;
  /** job-complete or a soft cancel: leave the loop once synced. */
  private finishing = false;
  /** Where the next dirty area is looked for (mirror_iteration continues after the last one). */
  private cursor = 0;
  /** The job, once it runs: write-blocking copies count in its progress. */
  private job: Job | undefined;

  constructor(
    private readonly machine: Machine,
    private readonly plan: MirrorPlan,
    private readonly s: MirrorState,
  ) {
    this.type = plan.type;
    if (plan.copyMode === 'write-blocking') s.top.activeWrite = (request) => this.syncTargetWrite(request);
  }

  /** block_job_create on the filter, block_job_add_bdrv on source, target and (commit) the chain between. */
  nodes(): readonly BlockNode[] {
    const { source, target } = this.plan;
    const out = [this.s.filter, source, target];
    return this.plan.type === 'commit' ? [...out, ...chainAbove(filterOrCow(source), target)] : out;
  }

  step(job: Job): StepOutcome {
    this.job = job;
    if (!this.started) {
      this.started = true;
      const failed = this.start(job);
      if (failed !== undefined) return failed;
    }
    // mirror_run's loop: an iteration that finds the bitmap clean is where the job turns ready.
    const copied = this.copyNextArea(job);
    job.total = job.current + this.s.bitmap.count;
    if (copied === 'copied') return 'more';
    if (copied === 'clean') {
      if (this.finishing) return 'done';
      this.synced = true;
      return 'synced';
    }
    const policy = copied.operation === 'read' ? this.plan.onSourceError : this.plan.onTargetError;
    const action = job.errorAction(copied.operation, copied.errno, policy);
    return action === 'report' ? { failed: copied.errno } : 'more';
  }

  complete(): void {
    this.shouldComplete = true;
    this.finishing = true;
  }

  /** mirror_cancel: only a cancel without force of a ready job is soft. */
  cancel(force: boolean): boolean {
    const hard = force || !this.synced;
    if (hard) this.s.top.activeWrite = undefined;
    else this.finishing = true;
    return hard;
  }

  /** mirror_run before the loop: grow an active commit's base, then mirror_dirty_init. */
  private start(job: Job): JobFailure | undefined {
    const { source, target } = this.plan;
    const length = source.length();
    if (this.plan.type === 'commit') {
      if (target.length() < length && !genericPath(this.machine.semantics).truncate(target, length).ok) return { failed: 'EIO' };
    } else if (target.length() !== length) {
      return { failed: 'EINVAL', message: 'Source and target image have different sizes' };
    }
    const bitmap = this.s.bitmap;
    if (this.plan.initialCopy) {
      if (this.plan.zeroTarget && !canWriteZeroesWithUnmap(target)) {
        // Zeroing the target would cost as much as copying: copy everything (reference 4.5).
        bitmap.set(0, length);
      } else {
        if (this.plan.zeroTarget) {
          const zeroed = blkModify(this.machine, this.s.targetBlk, { kind: 'write-zeroes', offset: 0, bytes: length, flags: flags('BDRV_REQ_MAY_UNMAP') });
          if (!zeroed.ok) return { failed: zeroed.errno };
        }
        const bottom = this.plan.copyAbove ?? findBase(source);
        for (const r of allocatedAbove(source, bottom, 0, length)) bitmap.set(r.start, r.end - r.start);
      }
    }
    job.total = bitmap.count;
    return undefined;
  }

  /** One mirror_iteration: the next dirty area, as far as the chain's allocation status is equal. */
  private copyNextArea(job: Job): 'clean' | 'copied' | Failure {
    const bitmap = this.s.bitmap;
    const area = bitmap.nextDirtyArea(this.cursor, MAX_IO_BYTES) ?? bitmap.nextDirtyArea(0, MAX_IO_BYTES);
    if (area === undefined) return 'clean';
    const { source } = this.plan;
    const run = statusRun(allocatedAbove(source, findBase(source), area.offset, area.length), area.offset, area.length);
    const offset = area.offset;
    // mirror_iteration copies whole granules, at least one; a granule whose status is mixed
    // (a write smaller than the granularity) is copied, zeroes and all.
    const whole = run.bytes - (run.bytes % bitmap.granularity);
    const bytes = whole === 0 ? Math.min(bitmap.granularity, area.length) : whole;
    bitmap.reset(offset, bytes);
    this.cursor = offset + bytes;
    const failure = run.allocated || whole === 0 ? this.copy(offset, bytes) : this.zero(offset, bytes);
    if (failure !== undefined) {
      // mirror_iteration_done: what failed is dirty again.
      bitmap.set(offset, bytes);
      return failure;
    }
    job.current += bytes;
    return 'copied';
  }

  private copy(offset: Bytes, bytes: Bytes): Failure | undefined {
    const read = blkRead(this.machine, this.plan.source, offset, bytes, NO_FLAGS);
    if (!read.ok) return { operation: 'read', errno: read.errno };
    return this.write({ kind: 'write', offset, bytes, flags: NO_FLAGS, data: read.value });
  }

  /** MIRROR_METHOD_ZERO where no layer has data (bdrv_block_status_above gives ZERO). */
  private zero(offset: Bytes, bytes: Bytes): Failure | undefined {
    return this.write({ kind: 'write-zeroes', offset, bytes, flags: this.plan.unmap ? flags('BDRV_REQ_MAY_UNMAP') : NO_FLAGS });
  }

  private write(request: ModifyRequest): Failure | undefined {
    const r = blkModify(this.machine, this.s.targetBlk, request);
    return r.ok ? undefined : { operation: 'write', errno: r.errno };
  }

  /**
   * do_sync_target_write: the guest's request again on the target; the granules it covers
   * entirely need no copy any more. A failure leaves the range dirty for the loop.
   */
  private syncTargetWrite(request: ModifyRequest): void {
    const { bitmap } = this.s;
    const g = bitmap.granularity;
    const start = Math.ceil(request.offset / g) * g;
    const end = Math.floor((request.offset + request.bytes) / g) * g;
    if (start < end) bitmap.reset(start, end - start);
    const job = this.job;
    if (job !== undefined) job.total += request.bytes;
    if (this.write(request) !== undefined) bitmap.set(request.offset, request.bytes);
    else if (job !== undefined) job.current += request.bytes;
  }

  /** mirror_exit_common on success. */
  prepare(): undefined {
    this.exitCommon(false);
    return undefined;
  }

  abort(): void {
    this.exitCommon(true);
  }

  private exitCommon(abort: boolean): void {
    const { graph } = this.machine;
    const { source, target } = this.plan;
    this.s.top.activeWrite = undefined;
    this.s.bitmap.release();
    if (!abort && this.plan.targetBacking !== undefined) target.setChild('backing', this.plan.targetBacking);
    if (!abort && this.shouldComplete) replaceNode(graph, this.plan.replaces ?? source, target);
    if (graph.node(this.s.filter.nodeName) === this.s.filter) dropFilter(graph, this.s.filter);
    if (abort && this.s.targetWasReadOnly) target.readOnly = true;
  }

  /** The job drops its references: an implicitly opened old source or unused target is closed. */
  clean(): void {
    const { graph } = this.machine;
    graph.detachBackend(this.s.targetBlk);
    releaseIfUnused(graph, this.plan.source);
    releaseIfUnused(graph, this.plan.target);
  }
}

/** bdrv_can_write_zeroes_with_unmap: the target was opened with discard=unmap and can discard. */
function canWriteZeroesWithUnmap(node: BlockNode): boolean {
  return node.discard === 'unmap' && node.driver.supportsDiscard;
}
