/**
 * Drive bitmaps (extension; the proposal of John Snow's "block stream and bitmaps" thread, 23 Mar
 * 2020, which QEMU never implemented, reference 7): a dirty bitmap owned by a guest device's
 * BlockBackend rather than by a node. It records what the guest writes through that backend,
 * at the device's offsets, whichever node is the root at the time, so stream, commit, mirror
 * pivots and media changes below it neither dirty it nor lose it.
 *
 * The bits and states are a BdrvDirtyBitmap, so enable/disable/busy/merge behave exactly as for
 * node bitmaps. A persistent one also holds the `reference` backend that pins its storage node.
 */
import { BdrvDirtyBitmap, type BitmapOptions } from '../bitmaps/dirty-bitmap.ts';
import { BDRV_BITMAP_MAX_NAME_SIZE, nameBytes } from '../bitmaps/node-bitmaps.ts';
import type { BlockBackend } from '../graph/backend.ts';
import type { BlockNode } from '../graph/node.ts';
import type { Bytes } from '../size.ts';

export interface DriveBitmap {
  readonly bitmap: BdrvDirtyBitmap;
  /** Persistent only: the backend whose root is the storage node (it stays there, see backend.ts). */
  readonly reference: BlockBackend | undefined;
}

/** The storage node of a persistent drive bitmap. */
export function storageNode(drive: DriveBitmap): BlockNode | undefined {
  return drive.reference?.root;
}

/** The device's length as the guest sees it (blk_getlength), undefined without medium. */
export function deviceLength(backend: BlockBackend): Bytes | undefined {
  return backend.root?.length();
}

export function findDriveBitmap(backend: BlockBackend, name: string): DriveBitmap | undefined {
  return backend.driveBitmaps.find((d) => d.bitmap.name === name);
}

/** The backend's bitmaps newest first, as a node's list is ordered. */
export function driveBitmapsOf(backend: BlockBackend): BdrvDirtyBitmap[] {
  return backend.driveBitmaps.map((d) => d.bitmap);
}

/** bdrv_create_dirty_bitmap's name checks, with its texts, against the backend's bitmaps. */
export function driveBitmapNameError(backend: BlockBackend, name: string): string | undefined {
  if (findDriveBitmap(backend, name)) return `Bitmap already exists: ${name}`;
  if (nameBytes(name) > BDRV_BITMAP_MAX_NAME_SIZE) return `Bitmap name too long: ${name}`;
  return undefined;
}

/** A clean bitmap as long as the device is now, at the head of the backend's list; the name was checked. */
export function createDriveBitmap(
  backend: BlockBackend,
  length: Bytes,
  granularity: Bytes,
  name: string,
  options: BitmapOptions & { readonly reference?: BlockBackend | undefined },
): DriveBitmap {
  const { reference, ...flags } = options;
  return attachDriveBitmap(backend, { bitmap: BdrvDirtyBitmap.create(name, length, granularity, flags), reference });
}

/** Puts a made bitmap (new or loaded from an image) at the head of the backend's list. */
export function attachDriveBitmap(backend: BlockBackend, drive: DriveBitmap): DriveBitmap {
  backend.driveBitmaps.unshift(drive);
  return drive;
}

/** Drops the bitmap from its backend; the caller releases the storage reference, if any. */
export function releaseDriveBitmap(backend: BlockBackend, drive: DriveBitmap): void {
  const i = backend.driveBitmaps.indexOf(drive);
  if (i >= 0) backend.driveBitmaps.splice(i, 1);
}

/**
 * Keep every drive bitmap as long as the device (hbitmap_truncate: shrinking drops the bits past
 * the end, growing adds clean ones). QEMU would do this in the BlockBackend's resize callback
 * (blk_root_resize); the sim does it whenever the backend is used. Busy bitmaps are left alone,
 * as QEMU asserts no busy bitmap is truncated.
 */
export function followDeviceLength(backend: BlockBackend): void {
  const length = deviceLength(backend);
  if (length === undefined) return;
  for (const { bitmap } of backend.driveBitmaps) {
    if (bitmap.size !== length && !bitmap.busy) bitmap.truncate(length);
  }
}

/**
 * A medium was inserted: the guest now sees other data at every offset without having written
 * any of it, so every recording drive bitmap takes the new length and marks all of it dirty (an
 * incremental backup from it must copy the whole new medium). Removal records nothing: writes
 * without a medium fail with ENOMEDIUM before reaching any node.
 */
export function mediumInserted(backend: BlockBackend): void {
  followDeviceLength(backend);
  const length = deviceLength(backend) ?? 0;
  for (const { bitmap } of backend.driveBitmaps) {
    if (bitmap.recording && length > 0) bitmap.markDirty(0, length);
  }
}
