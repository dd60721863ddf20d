/**
 * The backup job (block/backup.c in 7.2, reference 4.6): copy the source to the target through
 * block-copy while a copy-before-write filter above the source saves old data a guest write would
 * overwrite first.
 *
 * What is copied is decided once, at the start (backup_init_bcs_bitmap): sync=bitmap copies the
 * sync bitmap's dirty clusters (its granules rounded out to the copy's cluster size), sync=top the
 * clusters the source node itself has allocated (block_copy_reset_unallocated), full and none
 * everything; none copies nothing in the background and only waits for a cancel, so its writes all
 * come from the filter. Each iteration copies the next cluster still to copy, so a scenario can
 * fail or cancel the job after N clusters. Progress counts copied bytes, the filter's copies
 * included, against the clusters to copy at the start (probed: len 262144 for a 4-cluster bitmap).
 * On success the sync bitmap is settled in .commit, which the sim runs in `prepare` (backup has
 * no .prepare of its own and nothing runs between the two for a single job); on failure or cancel
 * in .abort; .clean drops the filter and, for drive-backup, closes the target it opened.
 */
import type { BlockNode } from '../graph/node.ts';
import type { Machine } from '../machine.ts';
import { cleanupSyncBitmap, type SyncBitmap } from './backup-bitmap.ts';
import { releaseIfUnused } from './chain.ts';
import type { CopyBeforeWrite } from './copy-before-write.ts';
import type { Job, JobDriver, OnError, StepOutcome } from './job.ts';

/** MirrorSyncMode after do_backup_common turned `incremental` into `bitmap`. */
export type BackupSync = 'full' | 'top' | 'none' | 'bitmap';

export interface BackupPlan {
  readonly sync: BackupSync;
  readonly syncBitmap: SyncBitmap | undefined;
  readonly target: BlockNode;
  readonly onSourceError: OnError;
  readonly onTargetError: OnError;
}

export class BackupRun implements JobDriver {
  readonly type = 'backup';
  constructor(
    private readonly machine: Machine,
    private readonly plan: BackupPlan,
    private readonly cbw: CopyBeforeWrite,
  ) {
    const { copyBitmap } = cbw.bcs;
    if (plan.sync === 'bitmap' && plan.syncBitmap !== undefined) copyBitmap.mergeFrom(plan.syncBitmap.bitmap);
    else copyBitmap.set(0, copyBitmap.size);
    if (plan.sync === 'top') cbw.bcs.resetUnallocated();
  }

  /** Publish progress to the job (job_progress_set_remaining, then the block-copy meter). */
  attach(job: Job): void {
    job.total = this.cbw.bcs.copyBitmap.count;
    this.cbw.bcs.onProgress = (bytes) => {
      job.current += bytes;
    };
  }

  /** block_job_create holds the filter node, block_job_add_bdrv the target. */
  nodes(): readonly BlockNode[] {
    return [this.cbw.node, this.plan.target];
  }

  step(job: Job): StepOutcome {
    // sync=none: the job only yields until it is cancelled (backup_run).
    if (this.plan.sync === 'none') return 'more';
    const { bcs } = this.cbw;
    const next = bcs.nextDirty();
    if (next === undefined) return 'done';
    const failure = bcs.copy(next, bcs.clusterSize);
    if (failure !== undefined) {
      const policy = failure.operation === 'read' ? this.plan.onSourceError : this.plan.onTargetError;
      // backup_loop retries the cluster unless the error is reported.
      const action = job.errorAction(failure.operation, failure.errno, policy);
      return action === 'report' ? { failed: failure.errno } : 'more';
    }
    return bcs.nextDirty() === undefined ? 'done' : 'more';
  }

  /** backup_commit. */
  prepare(): undefined {
    this.settle(true);
    return undefined;
  }

  /** backup_abort. */
  abort(): void {
    this.settle(false);
  }

  /** backup_clean: bdrv_cbw_drop; a target drive-backup opened is closed with the job's reference. */
  clean(): void {
    this.cbw.drop();
    releaseIfUnused(this.machine.graph, this.plan.target);
  }

  private settle(succeeded: boolean): void {
    if (this.plan.syncBitmap !== undefined) cleanupSyncBitmap(this.plan.syncBitmap, succeeded, this.cbw.bcs.copyBitmap);
  }
}
