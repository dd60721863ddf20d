/**
 * The op blocker a backing link puts on its backing node (block.c:bdrv_set_backing_hd blocks
 * every operation but commit, stream and backup), derived from the graph rather than stored:
 * blockdev-del and external snapshots of a backing node fail with it.
 */
import type { BlockGraph } from './graph.ts';
import type { BlockNode } from './node.ts';

export function backingBlocker(graph: BlockGraph, node: BlockNode): string | undefined {
  const overlay = graph.parents(node).find((p) => p.kind === 'node' && p.role === 'backing');
  return overlay?.kind === 'node' ? `Node '${node.nodeName}' is busy: node is used as backing hd of '${overlay.node.nodeName}'` : undefined;
}
