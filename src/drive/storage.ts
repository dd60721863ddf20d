/**
 * Where a persistent drive bitmap is stored (extension, docs/drive-bitmaps.md): in one chosen
 * qcow2 node, `storage-node`, by default the device's image at add time (the root with filters
 * skipped: a filter has no image to store into). The node gets an extra reference, a `reference`
 * BlockBackend that stays at the node while the graph changes around it, so:
 *  - blockdev-del of the node fails ("Node X is in use"), as for any node a backend uses;
 *  - a job completion or a media removal that unlinks the node leaves it alive, detached;
 *  - the reference goes when the bitmap is removed.
 */
import { canStoreNewDirtyBitmap } from '../bitmaps/persistent-checks.ts';
import type { BlockBackend } from '../graph/backend.ts';
import type { BlockGraph } from '../graph/graph.ts';
import type { BlockNode } from '../graph/node.ts';
import { skipFilters } from '../jobs/chain.ts';
import { qcow2ImageOf } from '../persistence/qcow2-node.ts';
import { genericError, type QmpError } from '../qmp/reply.ts';
import type { Bytes } from '../size.ts';

type Failed = { readonly error: QmpError };

/** The storage node by name, or the default: the device's image now. */
export function chooseStorageNode(graph: BlockGraph, backend: BlockBackend, nodeName: string | undefined): { readonly node: BlockNode } | Failed {
  if (nodeName !== undefined) {
    const node = graph.node(nodeName);
    return node === undefined ? genericError(`Node '${nodeName}' not found`) : { node };
  }
  const root = backend.root;
  if (root === undefined && backend.owner.kind === 'device') return genericError(`Device '${backend.owner.qdevId}' has no medium`);
  return root === undefined ? genericError('No medium') : { node: skipFilters(root) };
}

/** Drive bitmaps already stored in `node` under `name`, by any device. */
function storedDriveBitmap(graph: BlockGraph, node: BlockNode, name: string): BlockBackend | undefined {
  return graph.backends().find((b) => b.owner.kind === 'reference' && b.owner.bitmap === name && b.root === node);
}

/**
 * The node's image must be able to hold one more bitmap of that name (the same checks as a
 * persistent node bitmap, with their texts naming the storage node): a qcow2 v3 image, the qcow2
 * limits, and no stored bitmap of that name, node or drive, since they share one directory.
 */
export function storageRefusal(graph: BlockGraph, node: BlockNode, name: string, granularity: Bytes): string | undefined {
  const store = qcow2ImageOf(node);
  // The image may also hold the entry of a device that does not exist now (persistence/drive.ts).
  // A taken name is refused before the qcow2 checks, as a duplicate node bitmap is.
  const taken = storedDriveBitmap(graph, node, name) !== undefined || store?.bitmaps.find(name) !== undefined;
  return taken ? `Bitmap already exists: ${name}` : canStoreNewDirtyBitmap(node, store, name, granularity);
}

/** Takes the extra reference on the storage node. */
export function pinStorageNode(graph: BlockGraph, qdevId: string, bitmap: string, node: BlockNode): BlockBackend {
  return graph.attachBackend({ kind: 'reference', qdevId, bitmap }, node);
}
