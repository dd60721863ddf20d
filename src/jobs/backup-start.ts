/**
 * Starting a backup job: blockdev.c:do_backup_common and block/backup.c:backup_job_create in
 * QEMU 7.2's order with its texts (probed on 7.2.22), shared by blockdev-backup and drive-backup.
 * The source node is not op-blocked (a second backup or a stream of it is accepted; probed), only
 * the target and the filter are. Everything is checked before anything changes, so a refusal
 * leaves no trace; QEMU creates and then undoes the successor and the filter (only its implicit
 * node-name counter would differ).
 *
 * The start is split for `transaction` (blockdev_backup_prepare / _commit): `prepareBackup`
 * freezes the sync bitmap and inserts the filter, `start` creates and starts the job. The job was
 * created inside the transaction's drained section, so it pauses at once and resumes when the
 * section ends: created, running, paused, running (probed, for the plain command too).
 */
import type { BlockNode } from '../graph/node.ts';
import { findDirtyBitmap } from '../bitmaps/node-bitmaps.ts';
import { BDRV_BITMAP_ALLOW_RO } from '../bitmaps/dirty-bitmap.ts';
import type { Machine } from '../machine.ts';
import { freezeSyncBitmap, syncBitmapRefusal, thawSyncBitmap, type BitmapMode, type SyncBitmap } from './backup-bitmap.ts';
import { BackupRun, type BackupSync } from './backup.ts';
import { BlockCopyState, blockCopyClusterSize } from './block-copy.ts';
import { appendCopyBeforeWrite } from './copy-before-write.ts';
import type { OnError } from './job.ts';
import { busyNode, startJob } from './registry.ts';
import { filterNameError, jobCreateError, type JobStartOptions } from './start.ts';

/** qapi BackupCommon, less device and target. */
export interface BackupOptions extends Omit<JobStartOptions, 'on-error'> {
  readonly sync: BackupSync | 'incremental';
  readonly bitmap?: string;
  readonly 'bitmap-mode'?: BitmapMode;
  readonly compress?: boolean;
  readonly 'on-source-error'?: OnError;
  readonly 'on-target-error'?: OnError;
  readonly 'filter-node-name'?: string;
  readonly 'x-perf'?: { readonly 'use-copy-range'?: boolean; readonly 'max-workers'?: number; readonly 'max-chunk'?: number };
}

export interface PreparedBackup {
  /** job_start for the job created at prepare. */
  start(): void;
  /** The transaction failed later: put the bitmap and the graph back. */
  undo(): void;
}

export type BackupPrepare = PreparedBackup | { readonly error: string };

const refuse = (error: string): { readonly error: string } => ({ error });

export function prepareBackup(machine: Machine, source: BlockNode, target: BlockNode, o: BackupOptions): BackupPrepare {
  const common = doBackupCommon(source, o);
  if ('error' in common) return common;
  const refusal = jobCreateRefusal(machine, source, target, o, common.syncBitmap);
  if (refusal !== undefined) return refuse(refusal);
  const { syncBitmap } = common;
  if (syncBitmap !== undefined) freezeSyncBitmap(syncBitmap);
  const blk = machine.graph.attachBackend({ kind: 'internal', user: o['job-id'] ?? '' }, target);
  const bcs = new BlockCopyState(machine, source, blk, blockCopyClusterSize(target));
  const cbw = appendCopyBeforeWrite(machine, bcs, target, o['filter-node-name']);
  const run = new BackupRun(machine, {
    sync: common.sync,
    syncBitmap,
    target,
    onSourceError: o['on-source-error'] ?? 'report',
    onTargetError: o['on-target-error'] ?? 'report',
  }, cbw);
  return {
    start() {
      const job = startJob(machine, run, {
        id: o['job-id'] ?? '',
        speed: o.speed ?? 0,
        onError: 'report',
        autoFinalize: o['auto-finalize'] ?? true,
        autoDismiss: o['auto-dismiss'] ?? true,
      });
      run.attach(job);
      // The drained section pauses the new job; its end resumes it.
      job.pause();
      job.resume();
    },
    undo() {
      cbw.drop();
      if (syncBitmap !== undefined) thawSyncBitmap(syncBitmap);
    },
  };
}

/** do_backup_common: the sync mode and bitmap arguments. */
function doBackupCommon(source: BlockNode, o: BackupOptions): { sync: BackupSync; syncBitmap: SyncBitmap | undefined } | { error: string } {
  let sync = o.sync;
  let mode = o['bitmap-mode'];
  // Checked before `incremental` becomes `bitmap`, so the message names the mode as given.
  if ((sync === 'bitmap' || sync === 'incremental') && o.bitmap === undefined) {
    return refuse(`must provide a valid bitmap name for '${sync}' sync mode`);
  }
  if (sync === 'incremental') {
    if (mode !== undefined && mode !== 'on-success') {
      return refuse(`Bitmap sync mode must be 'on-success' when using sync mode 'incremental'`);
    }
    sync = 'bitmap';
    mode = 'on-success';
  }
  if (o.bitmap === undefined) {
    return mode === undefined ? { sync, syncBitmap: undefined } : refuse('Cannot specify bitmap sync mode without a bitmap');
  }
  const bitmap = findDirtyBitmap(source, o.bitmap);
  if (bitmap === undefined) return refuse(`Bitmap '${o.bitmap}' could not be found`);
  if (mode === undefined) return refuse('Bitmap sync mode must be given when providing a bitmap');
  const unusable = bitmap.check(BDRV_BITMAP_ALLOW_RO);
  if (unusable !== undefined) return refuse(unusable);
  if (sync === 'none') return refuse(`sync mode 'none' does not produce meaningful bitmap outputs`);
  if (mode === 'never' && sync !== 'bitmap') {
    return refuse(`Bitmap sync mode 'never' has no meaningful effect when combined with sync mode '${sync}'`);
  }
  return { sync, syncBitmap: { node: source, bitmap, mode } };
}

/** backup_job_create's checks up to block_job_create, in order (the successor's among them). */
function jobCreateRefusal(machine: Machine, source: BlockNode, target: BlockNode, o: BackupOptions, sync: SyncBitmap | undefined): string | undefined {
  if (source === target) return 'Source and target cannot be the same';
  // bdrv_get_device_name(target): a node without a named BlockBackend prints as "".
  if (o.compress === true && target.driver.name !== 'qcow2') return 'Compression is not supported for this drive ';
  const busy = busyNode(machine, [source, target]);
  if (busy !== undefined) return busy;
  const perf = o['x-perf'] ?? {};
  const workers = perf['max-workers'] ?? 64;
  if (workers < 1 || workers > 2147483647) return 'max-workers must be between 1 and 2147483647';
  const maxChunk = perf['max-chunk'] ?? 0;
  if (maxChunk < 0) return 'max-chunk must be zero (which means no limit) or positive';
  if (sync !== undefined) {
    const unusable = syncBitmapRefusal(sync);
    if (unusable !== undefined) return unusable;
  }
  if (source.length() !== target.length()) return 'Source and target image have different sizes';
  const badName = filterNameError(machine, o['filter-node-name']);
  if (badName !== undefined) return `Could not create node: ${badName}`;
  const clusterSize = blockCopyClusterSize(target);
  if (maxChunk !== 0 && maxChunk < clusterSize) return `Required max-chunk (${maxChunk}) is less than backup cluster size (${clusterSize})`;
  return jobCreateError(machine, o);
}
