/**
 * What can be seen of a node's bitmaps: QMP's BlockDirtyInfo (block/dirty-bitmap.c:
 * bdrv_query_dirty_bitmaps) and, for the runner, the same plus exact contents. The runner's
 * NodeObservation (runner/backends/backend.ts) has this shape; the core does not import it.
 */
import type { BlockGraph } from '../graph/graph.ts';
import type { BlockNode } from '../graph/node.ts';
import type { Bytes } from '../size.ts';
import type { BdrvDirtyBitmap } from './dirty-bitmap.ts';
import { dirtyBitmapsOf } from './node-bitmaps.ts';

/** BlockDirtyInfo, keys in QEMU's order; `inconsistent` only when true (has_inconsistent). */
export interface BlockDirtyInfo {
  readonly name?: string;
  readonly recording: boolean;
  readonly persistent: boolean;
  readonly busy: boolean;
  readonly granularity: Bytes;
  readonly count: Bytes;
  readonly inconsistent?: true;
}

export function blockDirtyInfo(bitmap: BdrvDirtyBitmap): BlockDirtyInfo {
  return {
    ...(bitmap.name === undefined ? {} : { name: bitmap.name }),
    recording: bitmap.recording,
    persistent: bitmap.persistent,
    busy: bitmap.busy,
    granularity: bitmap.granularity,
    count: bitmap.count,
    ...(bitmap.inconsistent ? { inconsistent: true as const } : {}),
  };
}

/** `dirty-bitmaps` of BlockDeviceInfo: present only when the node has a bitmap, newest first. */
export function dirtyBitmapsField(node: BlockNode): { readonly 'dirty-bitmaps'?: readonly BlockDirtyInfo[] } {
  const bitmaps = dirtyBitmapsOf(node);
  return bitmaps.length === 0 ? {} : { 'dirty-bitmaps': bitmaps.map(blockDirtyInfo) };
}

/** Nodes as query-named-block-nodes lists them: newest first. */
export function nodesInQueryOrder(graph: BlockGraph): readonly BlockNode[] {
  return [...graph.nodes()].reverse();
}

export interface BitmapExtent {
  readonly offset: Bytes;
  readonly length: Bytes;
}

export interface BitmapObservation {
  readonly name?: string;
  readonly granularity: Bytes;
  readonly count: Bytes;
  readonly recording: boolean;
  readonly busy: boolean;
  readonly persistent: boolean;
  readonly inconsistent: boolean;
  readonly sha256: string;
  /** Exact dirty runs, or why the simulator does not know them. */
  readonly extents: readonly BitmapExtent[] | { readonly unmodelled: string };
  readonly size: Bytes;
}

export interface NodeObservation {
  readonly nodeName: string;
  readonly driver: string;
  readonly bitmaps: readonly BitmapObservation[];
}

export function observeBitmap(bitmap: BdrvDirtyBitmap): BitmapObservation {
  const unmodelled = bitmap.unmodelled;
  return {
    ...(bitmap.name === undefined ? {} : { name: bitmap.name }),
    granularity: bitmap.granularity,
    count: bitmap.count,
    recording: bitmap.recording,
    busy: bitmap.busy,
    persistent: bitmap.persistent,
    inconsistent: bitmap.inconsistent,
    sha256: bitmap.sha256(),
    // An inconsistent bitmap has no data loaded: it is known to be empty.
    extents: unmodelled === undefined ? [...(bitmap.contents?.extents() ?? [])] : { unmodelled },
    size: bitmap.size,
  };
}

/** Every node with its bitmaps, in QEMU's listing order: what the runner's `observe()` returns. */
export function observeBitmaps(graph: BlockGraph): readonly NodeObservation[] {
  return nodesInQueryOrder(graph).map((node) => ({
    nodeName: node.nodeName,
    driver: node.driver.name,
    bitmaps: dirtyBitmapsOf(node).map(observeBitmap),
  }));
}
