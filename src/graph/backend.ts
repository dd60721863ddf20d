/**
 * BlockBackends: the parents that are not nodes. A guest device owns one (addressed by its qdev
 * id, as QMP's `device_add` creates it); jobs create anonymous internal ones. A device's backend
 * may have no root node at all (a removable drive without medium).
 *
 * The drive-bitmap extension (docs/drive-bitmaps.md) adds two things QEMU 7.2 does not have: a
 * device backend owns a list of drive bitmaps, and a persistent drive bitmap pins its storage
 * node with a `reference` backend whose root never moves.
 */
import type { DriveBitmap } from '../drive/drive-bitmap.ts';
import type { BlockNode } from './node.ts';

/** Device models the sim knows; scsi-hd is removable only with `removable: true`, scsi-cd always. */
export type DeviceDriver = 'virtio-blk-pci' | 'scsi-hd' | 'scsi-cd';

export type BackendOwner =
  | { readonly kind: 'device'; readonly qdevId: string; readonly driver: DeviceDriver; readonly removable?: boolean }
  | { readonly kind: 'internal'; readonly user: string }
  /** The extra reference a persistent drive bitmap holds on its storage node (extension). */
  | { readonly kind: 'reference'; readonly qdevId: string; readonly bitmap: string };

export class BlockBackend {
  #root: BlockNode | undefined;
  /** A removable device's tray (the device model's state in QEMU, asked via blk_dev_is_tray_open). */
  trayOpen = false;
  /** Drive bitmaps, newest first (extension: only a device's backend has any). */
  readonly driveBitmaps: DriveBitmap[] = [];

  constructor(
    readonly owner: BackendOwner,
    root: BlockNode | undefined,
  ) {
    this.#root = root;
  }

  get root(): BlockNode | undefined {
    return this.#root;
  }

  /**
   * A reference stays at its node when the graph changes around it, as a BdrvChild whose class
   * has stay_at_node does (block.c:should_update_child): bdrv_replace_node, which filters,
   * snapshots and job completions use, moves every other parent but not this one.
   */
  set root(node: BlockNode | undefined) {
    if (this.owner.kind !== 'reference') this.#root = node;
  }
}
