/**
 * drive-backup's target (7.2 blockdev.c:drive_backup_prepare): unless mode=existing the image is
 * created first, as large as the source, in `format` (default: the source's format); then it is
 * opened with discard=unmap and detect-zeroes=unmap (probed), without the monitor's reference, so
 * it is closed when the job lets go of it.
 *   sync=top   the new image's backing file is the source's backing (none: the job runs as full)
 *   sync=none  the target is opened without its backing and gets the source itself as backing
 *              (the fleecing layout: reading the target shows the point-in-time view)
 *   full, bitmap  no backing file
 */
import type { BlockNode } from '../graph/node.ts';
import { openTree } from '../graph/open.ts';
import type { Machine } from '../machine.ts';
import type { BackupSync } from './backup.ts';
import { filterOrCow, skipFilters } from './chain.ts';
import { createTargetImage } from './target-image.ts';

export interface DriveTargetOptions {
  readonly target: string;
  readonly format?: string;
  readonly mode?: 'existing' | 'absolute-paths';
}

export type DriveTarget = { readonly node: BlockNode; readonly sync: BackupSync | 'incremental' } | { readonly error: string };

export function openDriveTarget(machine: Machine, source: BlockNode, sync: BackupSync | 'incremental', o: DriveTargetOptions): DriveTarget {
  let effective = sync;
  // bdrv_cow_bs(bdrv_skip_filters(bs)): top with nothing below is full.
  const below = sync === 'top' ? filterOrCow(skipFilters(source)) : undefined;
  if (sync === 'top' && below === undefined) effective = 'full';
  const backing = sync === 'none' ? source : below;
  const format = o.format ?? String(source.driver.name);
  if (format !== 'qcow2' && format !== 'raw') return { error: `Unknown file format '${format}'` };
  if (o.mode !== 'existing') {
    const failed = createTargetImage(machine, { filename: o.target, format, size: source.length(), backing, backingFormatOf: 'node' });
    if (failed !== undefined) return { error: failed };
  }
  const opened = openTree(machine, {
    driver: format,
    discard: 'unmap',
    'detect-zeroes': 'unmap',
    file: { driver: 'file', filename: o.target },
    // sync=none opens with BDRV_O_NO_BACKING and then sets the source as backing.
    ...(format === 'qcow2' && sync === 'none' ? { backing: null } : {}),
  });
  if (!opened.ok) return { error: opened.message };
  if (sync === 'none') opened.node.setChild('backing', source);
  return { node: opened.node, sync: effective };
}
