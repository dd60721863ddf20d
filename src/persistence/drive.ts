/**
 * Persistent drive bitmaps in their storage node's image (extension, docs/drive-bitmaps.md). An
 * entry owned by a device (`owner: {kind: 'device', qdevId}`) is never loaded onto the node that
 * holds it: it loads onto that device's BlockBackend once both exist (the device is created, or
 * the node opens while the device exists), and pins the node again. The node rules of reference
 * 5.2/5.3 apply unchanged:
 *
 *   entry without in_use  contents loaded; enabled iff `auto`; a writable node sets in_use at once
 *   entry with in_use     inconsistent (an unclean shutdown): only remove works on it
 *   read-only node        the bitmap is readonly and the image is not touched
 *
 * The entries of a device that does not exist stay in the image untouched, in_use or not. An
 * entry whose name the device already has (loaded from another node) also waits untouched.
 */
import { attachDriveBitmap, findDriveBitmap, storageNode } from '../drive/drive-bitmap.ts';
import { releaseOwnedBitmap } from '../drive/owner.ts';
import { pinStorageNode } from '../drive/storage.ts';
import type { BlockBackend } from '../graph/backend.ts';
import type { BlockGraph } from '../graph/graph.ts';
import type { BlockNode } from '../graph/node.ts';
import { loadedBitmap } from './load.ts';
import { qcow2ImageOf } from './qcow2-node.ts';
import { storeDirtyBitmaps, type ToStore } from './store.ts';

/** Loads the entries `nodes` hold for the device `backend` belongs to. */
export function loadDriveBitmaps(graph: BlockGraph, backend: BlockBackend, nodes: readonly BlockNode[]): void {
  if (backend.owner.kind !== 'device') return;
  const { qdevId } = backend.owner;
  for (const node of nodes) {
    const image = qcow2ImageOf(node);
    for (const entry of image?.bitmaps.entries() ?? []) {
      if (entry.owner.kind !== 'device' || entry.owner.qdevId !== qdevId || findDriveBitmap(backend, entry.name) !== undefined) continue;
      // As long as the device was at store time; followDeviceLength fits it to the device on use.
      const bitmap = loadedBitmap(entry, entry.contents.size, node.readOnly);
      attachDriveBitmap(backend, { bitmap, reference: pinStorageNode(graph, qdevId, entry.name, node) });
      if (!entry.inUse && !node.readOnly) image?.bitmaps.setFlags(entry.name, { inUse: true, auto: entry.auto });
    }
  }
}

/** The drive bitmaps of every device that are stored in `node`, each device's newest first. */
export function driveBitmapsToStore(graph: BlockGraph, node: BlockNode): ToStore[] {
  return graph.backends().flatMap((backend) => deviceBitmapsToStore(backend, node));
}

function deviceBitmapsToStore(backend: BlockBackend, node: BlockNode): ToStore[] {
  if (backend.owner.kind !== 'device') return [];
  const owner = { kind: 'device', qdevId: backend.owner.qdevId } as const;
  return backend.driveBitmaps.filter((d) => storageNode(d) === node).map(({ bitmap }) => ({ bitmap, owner }));
}

/**
 * The device goes away (device_del): its persistent bitmaps are stored in their storage nodes
 * now, as a node's are when it closes, since nothing can hold them any more; then every drive
 * bitmap is released with its reference, so a storage node nothing else uses closes too.
 * Returns the warnings of stores that failed.
 */
export function storeDeviceBitmaps(graph: BlockGraph, backend: BlockBackend): string[] {
  const nodes = new Set(backend.driveBitmaps.flatMap((d) => storageNode(d) ?? []));
  const warnings = [...nodes].flatMap((node) => storeDirtyBitmaps(node, deviceBitmapsToStore(backend, node)) ?? []);
  for (const { bitmap } of [...backend.driveBitmaps]) releaseOwnedBitmap(graph, { owner: { kind: 'device', backend }, bitmap });
  return warnings;
}
