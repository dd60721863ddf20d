/**
 * What can be seen of a node's bitmaps: QMP's BlockDirtyInfo (block/dirty-bitmap.c:
 * bdrv_query_dirty_bitmaps) and, for the runner, the same plus exact contents. The runner's
 * observations (runner/backends/backend.ts) are defined from these types, so each field is
 * declared once; the core does not import the runner.
 */
import type { BlockGraph } from '../graph/graph.ts';
import type { BlockNode } from '../graph/node.ts';
import type { DirtyExtent } from '../hbitmap/hbitmap.ts';
import type { Bytes } from '../size.ts';
import type { BdrvDirtyBitmap } from './dirty-bitmap.ts';

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
  const bitmaps = node.dirtyBitmaps;
  return bitmaps.length === 0 ? {} : { 'dirty-bitmaps': bitmaps.map(blockDirtyInfo) };
}

/** Nodes as query-named-block-nodes lists them: newest first. */
export function nodesInQueryOrder(graph: BlockGraph): readonly BlockNode[] {
  return [...graph.nodes()].reverse();
}

/** A dirty run of a bitmap: [offset, offset+length) in the bitmap's node's byte offsets. */
export type BitmapExtent = DirtyExtent;

/** One bitmap as query-named-block-nodes reports it, plus its exact contents. */
export interface BitmapObservation {
  /** Absent for anonymous (internal) bitmaps, as in QEMU's output. */
  readonly name?: string;
  readonly granularity: Bytes;
  readonly count: Bytes;
  readonly recording: boolean;
  readonly busy: boolean;
  readonly persistent: boolean;
  readonly inconsistent: boolean;
  /** x-debug-block-dirty-bitmap-sha256 of the contents. */
  readonly sha256: string;
  /**
   * Dirty extents, granule-aligned and clipped to the bitmap's size, or why the simulator
   * knowingly does not model the contents (e.g. a qcow2 node's protocol child).
   */
  readonly extents: readonly BitmapExtent[] | { readonly unmodelled: string };
  /** The bitmap's size in bytes (the node length when it was created or last resized). */
  readonly size: Bytes;
}

/** A node and its bitmaps; the runner's backends fill in their own bitmap observation type. */
export interface NodeObservation<Bitmap = BitmapObservation> {
  readonly nodeName: string;
  readonly driver: string;
  /** Bitmaps newest first, as QEMU lists them. */
  readonly bitmaps: readonly Bitmap[];
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
    bitmaps: node.dirtyBitmaps.map(observeBitmap),
  }));
}
