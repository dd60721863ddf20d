/**
 * How bitmap commands find their node and bitmap (reference 2.5). `node` is resolved by
 * block.c:bdrv_lookup_bs(node, node): a named BlockBackend first, then a node name. The simulator
 * has no named (legacy `-drive id=`) BlockBackends and qdev ids are not BlockBackend names, so
 * only node names resolve. block-dirty-bitmap-add words the miss differently from the others.
 */
import type { BlockGraph } from '../graph/graph.ts';
import type { BlockNode } from '../graph/node.ts';
import type { BdrvDirtyBitmap } from './dirty-bitmap.ts';
import { findDirtyBitmap } from './node-bitmaps.ts';

/** bdrv_lookup_bs with QMP add's message. */
export function lookupNode(graph: BlockGraph, node: string): { readonly node: BlockNode } | { readonly error: string } {
  const found = graph.node(node);
  return found ? { node: found } : { error: `Cannot find device='${node}' nor node-name='${node}'` };
}

export interface FoundBitmap {
  readonly node: BlockNode;
  readonly bitmap: BdrvDirtyBitmap;
}

/** blockdev.c:block_dirty_bitmap_lookup, used by every bitmap command but add. */
export function lookupBitmap(graph: BlockGraph, node: string, name: string): FoundBitmap | { readonly error: string } {
  const found = graph.node(node);
  if (!found) return { error: `Node '${node}' not found` };
  const bitmap = findDirtyBitmap(found, name);
  return bitmap ? { node: found, bitmap } : { error: `Dirty bitmap '${name}' not found` };
}
