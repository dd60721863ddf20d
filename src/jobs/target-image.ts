/**
 * bdrv_img_create as drive-mirror, drive-backup and blockdev-snapshot-sync call it: a new image
 * as large as the source, optionally with a node as backing file, named by its bs->filename
 * (graph/filename.ts), so a node whose backing link is overridden or a filter node writes its
 * `json:{...}` name into the header (probed on 7.2.22 with qemu-img info). Its format is recorded
 * when it is one the simulated header holds (qcow2, raw).
 */
import { nodeFilename } from '../graph/filename.ts';
import { createConflict } from '../graph/image-lock.ts';
import type { BlockNode } from '../graph/node.ts';
import { createImage } from '../image/create.ts';
import type { ImageFormat } from '../image/image.ts';
import type { Machine } from '../machine.ts';
import type { Bytes } from '../size.ts';
import { skipFilters } from './chain.ts';

export interface TargetImage {
  readonly filename: string;
  readonly format: ImageFormat;
  readonly size: Bytes;
  readonly backing: BlockNode | undefined;
  /**
   * Whose driver names the backing format. drive-mirror takes the node below implicit filters
   * (qmp_drive_mirror: bdrv_skip_implicit_filters); drive-backup and blockdev-snapshot-sync the
   * node's own (source->drv->format_name). Default: below-filters.
   */
  readonly backingFormatOf?: 'node' | 'below-filters';
}

/**
 * qemu-img's message when the image cannot be created, else undefined. A file a node holds
 * locked is not overwritten (raw_co_create checks the locks first; probed on 7.2.22: the image
 * kept its old header).
 */
export function createTargetImage(machine: Machine, t: TargetImage): string | undefined {
  const locked = createConflict(machine.graph, t.filename);
  if (locked !== undefined) return locked;
  const backingFile = t.backing === undefined ? undefined : nodeFilename(t.backing).filename;
  const formatNode = t.backing === undefined ? undefined : t.backingFormatOf === 'node' ? t.backing : skipFilters(t.backing);
  const backingFormat = formatNode?.driver.name;
  const created = createImage(machine.images, {
    filename: t.filename,
    format: t.format,
    size: t.size,
    ...(backingFile === undefined ? {} : { backingFile }),
    ...(backingFormat === 'qcow2' || backingFormat === 'raw' ? { backingFormat } : {}),
  });
  return created.ok ? undefined : created.message;
}
