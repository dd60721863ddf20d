/**
 * External snapshots, as the QMP commands and transaction actions `blockdev-snapshot` (an
 * overlay node that already exists) and `blockdev-snapshot-sync` (qemu-img creates the overlay
 * image, then it is opened): 7.2 blockdev.c:external_snapshot_prepare/commit/abort, checks in
 * QEMU's order with its messages (probed on 7.2.22).
 *
 * Prepare appends the overlay (block.c:bdrv_append): the old node becomes its backing child and
 * every other parent of the old node (BlockBackends, filters) now points at the overlay. Bitmaps
 * stay where they are: the old node's keep their bits and stop changing, since guest writes now
 * end at the overlay, which starts with none (reference 2.3). Commit reopens the old node
 * read-only; abort puts the old node back under its parents.
 */
import { isConsistentlyRead } from '../../graph/consistent-read.ts';
import type { BlockNode } from '../../graph/node.ts';
import { backingBlocker } from '../../graph/op-blockers.ts';
import { openTree } from '../../graph/open.ts';
import type { ImageFormat } from '../../image/image.ts';
import { busyNode } from '../../jobs/registry.ts';
import { replaceNode } from '../../jobs/chain.ts';
import { createTargetImage } from '../../jobs/target-image.ts';
import type { Machine } from '../../machine.ts';
import { enumOf, optional, str } from '../args.ts';
import type { CommandTable } from '../dispatcher.ts';
import { asCommands, defineAction, refuse, type ActionTable, type PrepareResult } from './transaction.ts';

type Found = { readonly node: BlockNode } | { readonly error: string };

/** bdrv_lookup_bs(device, node_name): the sim has no named BlockBackends, so node names only. */
function lookup(machine: Machine, device: string | undefined, nodeName: string | undefined): Found {
  const node = nodeName === undefined ? undefined : machine.graph.node(nodeName);
  return node !== undefined ? { node } : { error: `Cannot find device='${device ?? ''}' nor node-name='${nodeName ?? ''}'` };
}

/** The old active node: found, and not held by an op blocker (BLOCK_OP_TYPE_EXTERNAL_SNAPSHOT). */
function oldNode(machine: Machine, device: string | undefined, nodeName: string | undefined): Found {
  const found = lookup(machine, device, nodeName);
  if ('error' in found) return found;
  const blocked = backingBlocker(machine.graph, found.node) ?? busyNode(machine, [found.node]);
  return blocked === undefined ? found : { error: blocked };
}

/** What an overlay must be before it can take the old node as backing, then bdrv_append. */
function append(machine: Machine, old: BlockNode, overlay: BlockNode, onAbort: () => void = () => {}): PrepareResult {
  const refusal = overlayRefusal(machine, old, overlay);
  if (refusal !== undefined) {
    onAbort();
    return refuse(refusal);
  }
  overlay.setChild('backing', old);
  replaceNode(machine.graph, old, overlay);
  return {
    commit: () => setReadOnly(old),
    abort: () => {
      overlay.setChild('backing', undefined);
      replaceNode(machine.graph, overlay, old);
      onAbort();
    },
  };
}

function overlayRefusal(machine: Machine, old: BlockNode, overlay: BlockNode): string | undefined {
  if (isConsistentlyRead(machine.graph, overlay)) return 'The overlay is already in use';
  if (overlay.driver.isFilter) return 'Filters cannot be used as overlays';
  if (overlay.child('backing') !== undefined) return 'The overlay already has a backing image';
  // Of the modelled drivers only qcow2 has supports_backing.
  if (overlay.driver.name !== 'qcow2') return 'The overlay does not support backing images';
  // block.c:bdrv_attach_child_noperm refuses an edge to a node that has the parent below it.
  if (hasBelow(old, overlay)) return `Making '${old.nodeName}' a backing child of '${overlay.nodeName}' would create a cycle`;
  return undefined;
}

/** Whether `node` is `top` or somewhere in its subtree. */
function hasBelow(top: BlockNode, node: BlockNode): boolean {
  return top === node || top.children().some(([, child]) => hasBelow(child, node));
}

/**
 * bdrv_reopen_set_read_only(old, true): the node and the children that inherit its options (its
 * protocol child, through filters) become read-only; the backing chain already is.
 */
function setReadOnly(node: BlockNode): void {
  node.readOnly = true;
  const below = node.child('file') ?? node.child('image');
  if (below !== undefined) setReadOnly(below);
}

const blockdevSnapshot = defineAction({ node: str, overlay: str }, (machine: Machine, a): PrepareResult => {
  const old = oldNode(machine, a.node, a.node);
  if ('error' in old) return refuse(old.error);
  // bdrv_open(NULL, reference): the overlay is looked up like any reference.
  const overlay = lookup(machine, a.overlay, a.overlay);
  if ('error' in overlay) return refuse(overlay.error);
  return append(machine, old.node, overlay.node);
});

const SYNC_SHAPE = {
  device: optional(str),
  'node-name': optional(str),
  'snapshot-file': str,
  'snapshot-node-name': optional(str),
  format: optional(str),
  mode: optional(enumOf('existing', 'absolute-paths')),
};

const blockdevSnapshotSync = defineAction(SYNC_SHAPE, (machine: Machine, a): PrepareResult => {
  const old = oldNode(machine, a.device, a['node-name']);
  if ('error' in old) return refuse(old.error);
  const overlayName = a['snapshot-node-name'];
  if (a['node-name'] !== undefined && overlayName === undefined) return refuse('New overlay node-name missing');
  if (overlayName !== undefined && machine.graph.node(overlayName) !== undefined) return refuse('New overlay node-name already in use');
  const format = a.format ?? 'qcow2';
  if (format !== 'qcow2' && format !== 'raw') return refuse(`Unknown file format '${format}'`);
  if (a.mode !== 'existing') {
    const created = createOverlayImage(machine, old.node, a['snapshot-file'], format);
    if (created !== undefined) return refuse(created);
  }
  // The overlay opens with the old node's flags, without its backing chain (BDRV_O_NO_BACKING).
  const opened = openTree(machine, {
    driver: format,
    ...(overlayName === undefined ? {} : { 'node-name': overlayName }),
    'read-only': old.node.readOnly,
    discard: old.node.discard,
    file: { driver: 'file', filename: a['snapshot-file'] },
    ...(format === 'qcow2' ? { backing: null } : {}),
  });
  if (!opened.ok) return refuse(opened.message);
  const overlay = opened.node;
  // The overlay has no other reference: when the action fails or aborts, it is closed.
  return append(machine, old.node, overlay, () => machine.graph.removeSubtree(overlay));
});

/** bdrv_img_create for the overlay: as big as the old node, with it as the backing file. */
function createOverlayImage(machine: Machine, old: BlockNode, filename: string, format: ImageFormat): string | undefined {
  return createTargetImage(machine, { filename, format, size: old.length(), backing: old, backingFormatOf: 'node' });
}

export const snapshotActions: ActionTable<Machine> = {
  'blockdev-snapshot': blockdevSnapshot,
  'blockdev-snapshot-sync': blockdevSnapshotSync,
};

export const snapshotCommands: CommandTable<Machine> = asCommands(snapshotActions);
