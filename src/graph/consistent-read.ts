/**
 * Whether anything reads a node as a consistent image (BLK_PERM_CONSISTENT_READ in its
 * cumulative permissions). A BlockBackend does; a qcow2 parent always does on its `file` child
 * (metadata, block.c:bdrv_default_perms_for_storage); filters, raw and a backing link pass on
 * only what their own users need, so an unused overlay above a node does not count (probed on
 * 7.2: a backing link from an unused qcow2 node leaves its backing node free).
 */
import type { BlockGraph } from './graph.ts';
import type { BlockNode } from './node.ts';

export function isConsistentlyRead(graph: BlockGraph, node: BlockNode, seen = new Set<BlockNode>()): boolean {
  if (seen.has(node)) return false;
  seen.add(node);
  return graph.parents(node).some((p) => {
    if (p.kind === 'backend') return true;
    if (p.role === 'file' && p.node.driver.name === 'qcow2') return true;
    return isConsistentlyRead(graph, p.node, seen);
  });
}
