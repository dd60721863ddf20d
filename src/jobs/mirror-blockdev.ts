/**
 * blockdev-mirror (the target is an existing node) and drive-mirror (the target is an image
 * file, created as qemu-img would unless mode=existing, then opened implicitly): what each
 * decides before the common checks of mirror-start.ts (blockdev.c, 7.2; probed on 7.2.22).
 */
import { openTree } from '../graph/open.ts';
import type { Machine } from '../machine.ts';
import { filterOrCow, skipFilters } from './chain.ts';
import { mirrorCommon, rootNode, type MirrorOptions } from './mirror-start.ts';
import { fail, type StartResult } from './start.ts';
import { createTargetImage } from './target-image.ts';

export type BlockdevMirrorArgs = MirrorOptions;

/**
 * qmp_blockdev_mirror: zero_target is true for sync=full (decided before sync=top falls back to
 * full); the target's backing chain is left as it is (MIRROR_LEAVE_BACKING_CHAIN).
 */
export function blockdevMirror(machine: Machine, a: BlockdevMirrorArgs): StartResult {
  const source = rootNode(machine, a.device);
  if (typeof source === 'string') return fail(source);
  const target = machine.graph.node(a.target);
  if (target === undefined) return fail(`Cannot find device='${a.target}' nor node-name='${a.target}'`);
  return mirrorCommon(machine, a, { source, target, zeroTarget: a.sync === 'full', targetBacking: undefined });
}

export interface DriveMirrorArgs extends MirrorOptions {
  readonly format?: string;
  readonly 'node-name'?: string;
  readonly mode?: 'existing' | 'absolute-paths';
}

/**
 * qmp_drive_mirror. A new image gets the source's size and format, and as backing file the node
 * the target will sit on (sync=top: the source's backing; sync=none: the source itself); it is
 * opened without that backing, which the job attaches at the end (MIRROR_SOURCE_BACKING_CHAIN).
 * A new qcow2 or raw image reads as zeroes (bdrv_has_zero_init), so only mode=existing zeroes a
 * full mirror's target. A target that fails a later check is closed again; its file stays.
 */
export function driveMirror(machine: Machine, a: DriveMirrorArgs): StartResult {
  const source = rootNode(machine, a.device);
  if (typeof source === 'string') return fail(source);
  const mode = a.mode ?? 'absolute-paths';
  const sourceBacking = filterOrCow(skipFilters(source));
  const sync = a.sync === 'top' && sourceBacking === undefined ? 'full' : a.sync;
  const targetBacking = sync === 'none' ? source : sync === 'top' ? sourceBacking : undefined;
  if (a.replaces !== undefined && a['node-name'] === undefined) return fail('a node-name must be provided when replacing a named node of the graph');
  const format = a.format ?? (mode === 'existing' ? machine.images.get(a.target)?.format : skipFilters(source).driver.name);
  if (mode !== 'existing') {
    if (format !== 'qcow2' && format !== 'raw') return fail(`Unknown file format '${format ?? ''}'`);
    const failed = createTargetImage(machine, { filename: a.target, format, size: source.length(), backing: targetBacking });
    if (failed !== undefined) return fail(failed);
  }
  // Opened with the source's flags (bs->open_flags | BDRV_O_RDWR), so discard=unmap carries over.
  const opened = openTree(machine, {
    driver: format ?? 'raw',
    ...(a['node-name'] === undefined ? {} : { 'node-name': a['node-name'] }),
    discard: source.discard,
    file: { driver: 'file', filename: a.target },
    ...(mode !== 'existing' && format === 'qcow2' ? { backing: null } : {}),
  });
  if (!opened.ok) return fail(opened.message);
  const target = opened.node;
  const setup = { source, target, zeroTarget: sync === 'full' && mode === 'existing', targetBacking: mode === 'existing' ? undefined : targetBacking };
  const started = mirrorCommon(machine, a, setup);
  if (!started.ok) machine.graph.removeSubtree(target);
  return started;
}
