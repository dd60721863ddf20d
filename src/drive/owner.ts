/**
 * Who holds a bitmap a QMP command names: a node (`node:`, QEMU 7.2's only kind, reference 2.5)
 * or a guest device's BlockBackend (`device:`, the drive-bitmap extension). The bitmap commands
 * work on either through these functions, so node bitmaps keep QEMU's exact lookups and texts.
 */
import type { BdrvDirtyBitmap } from '../bitmaps/dirty-bitmap.ts';
import { lookupBitmap, lookupNode } from '../bitmaps/lookup.ts';
import { defaultGranularity, findDirtyBitmap, releaseDirtyBitmap } from '../bitmaps/node-bitmaps.ts';
import type { BlockBackend } from '../graph/backend.ts';
import type { BlockGraph } from '../graph/graph.ts';
import type { BlockNode } from '../graph/node.ts';
import { releaseIfUnused } from '../jobs/chain.ts';
import { genericError, type QmpError } from '../qmp/reply.ts';
import type { Bytes } from '../size.ts';
import { deviceLength, findDriveBitmap, followDeviceLength, releaseDriveBitmap, storageNode } from './drive-bitmap.ts';

export type BitmapOwner = { readonly kind: 'node'; readonly node: BlockNode } | { readonly kind: 'device'; readonly backend: BlockBackend };

/** The `node` / `device` pair of a command's arguments. */
export interface OwnerArgs {
  readonly node?: string;
  readonly device?: string;
}

type Failed = { readonly error: QmpError };

/**
 * Exactly one of the two. Neither keeps QAPI's text for the missing mandatory member of 7.2, so a
 * node-only caller sees what QEMU sends; both is refused like blockdev-open-tray's device/id.
 */
export function ownerArgsError(args: Readonly<Record<string, unknown>>): Failed | undefined {
  const node = args['node'] !== undefined;
  const device = args['device'] !== undefined;
  if (!node && !device) return genericError("Parameter 'node' is missing");
  if (node && device) return genericError("Need exactly one of 'node' and 'device'");
  return undefined;
}

/** blk_by_qdev_id's miss (block/block-backend.c): class DeviceNotFound, as the media commands report it. */
export function deviceNotFound(id: string): Failed {
  return { error: { class: 'DeviceNotFound', desc: `Device '${id}' not found` } };
}

/** A guest device's BlockBackend by qdev id (only guest devices: internal backends have none). */
function lookupDevice(graph: BlockGraph, id: string): { readonly backend: BlockBackend } | Failed {
  const backend = graph.device(id);
  return backend === undefined ? deviceNotFound(id) : { backend };
}

/** The owner block-dirty-bitmap-add puts a new bitmap on (a node: bdrv_lookup_bs's text). */
export function lookupAddOwner(graph: BlockGraph, args: OwnerArgs): BitmapOwner | Failed {
  if (args.device !== undefined) {
    const found = lookupDevice(graph, args.device);
    return 'error' in found ? found : { kind: 'device', backend: found.backend };
  }
  const found = lookupNode(graph, args.node ?? '');
  return 'error' in found ? genericError(found.error) : { kind: 'node', node: found.node };
}

export interface OwnedBitmap {
  readonly owner: BitmapOwner;
  readonly bitmap: BdrvDirtyBitmap;
}

/** block_dirty_bitmap_lookup for both kinds; a device's bitmaps first follow its length. */
export function lookupOwnedBitmap(graph: BlockGraph, args: OwnerArgs, name: string): OwnedBitmap | Failed {
  if (args.device !== undefined) {
    const found = lookupDevice(graph, args.device);
    if ('error' in found) return found;
    followDeviceLength(found.backend);
    const drive = findDriveBitmap(found.backend, name);
    return drive ? { owner: { kind: 'device', backend: found.backend }, bitmap: drive.bitmap } : genericError(`Dirty bitmap '${name}' not found`);
  }
  const found = lookupBitmap(graph, args.node ?? '', name);
  return 'error' in found ? genericError(found.error) : { owner: { kind: 'node', node: found.node }, bitmap: found.bitmap };
}

/** A named bitmap of the same owner (merge's plain-string sources). */
export function findOwnBitmap(owner: BitmapOwner, name: string): BdrvDirtyBitmap | undefined {
  return owner.kind === 'node' ? findDirtyBitmap(owner.node, name) : findDriveBitmap(owner.backend, name)?.bitmap;
}

/** The length a new or scratch bitmap of this owner covers; undefined for a device without medium. */
export function ownerLength(owner: BitmapOwner): Bytes | undefined {
  return owner.kind === 'node' ? owner.node.length() : deviceLength(owner.backend);
}

/** The default granularity: the node's, or the device's root's at the time (bdrv_get_default_bitmap_granularity). */
export function ownerDefaultGranularity(owner: BitmapOwner): Bytes {
  const node = owner.kind === 'node' ? owner.node : owner.backend.root;
  return node === undefined ? 65536 : defaultGranularity(node);
}

/** bdrv_release_dirty_bitmap; a drive bitmap also drops its storage reference (drive/storage.ts). */
export function releaseOwnedBitmap(graph: BlockGraph, owned: OwnedBitmap): void {
  const { owner, bitmap } = owned;
  if (owner.kind === 'node') {
    releaseDirtyBitmap(owner.node, bitmap);
    return;
  }
  const drive = owner.backend.driveBitmaps.find((d) => d.bitmap === bitmap);
  if (drive === undefined) return;
  releaseDriveBitmap(owner.backend, drive);
  const stored = storageNode(drive);
  if (drive.reference === undefined || stored === undefined) return;
  graph.detachBackend(drive.reference);
  // An implicit node the reference alone kept alive (a pivoted-away source) closes now.
  releaseIfUnused(graph, stored);
}

/** Where a bitmap's stored copy lives: its node, or a persistent drive bitmap's storage node. */
export function storedIn(owned: OwnedBitmap): BlockNode | undefined {
  const { owner, bitmap } = owned;
  if (owner.kind === 'node') return owner.node;
  const drive = owner.backend.driveBitmaps.find((d) => d.bitmap === bitmap);
  return drive === undefined ? undefined : storageNode(drive);
}
