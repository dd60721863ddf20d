/**
 * Walking and editing backing chains the way the jobs need it (block.c helpers named in each
 * comment). A chain link is a filter's filtered child or a format node's `backing` child.
 */
import { complement, type Range } from '../data/extent-map.ts';
import { Qcow2Driver } from '../graph/drivers/qcow2.ts';
import { backingOverridden, makeAbsoluteFilename, nodeFilename } from '../graph/filename.ts';
import type { BlockGraph } from '../graph/graph.ts';
import { pathHasProtocol, realpath } from '../graph/paths.ts';
import type { ImageStore } from '../image/store.ts';
import { BlockNode, type ChildRole, type Driver } from '../graph/node.ts';
import { changeBackingFile } from '../image/image.ts';
import type { Machine } from '../machine.ts';
import { qcow2ImageOf } from '../persistence/qcow2-node.ts';
import type { Bytes } from '../size.ts';

/** bdrv_filter_or_cow_bs: the next node down the chain. commit_top filters its backing child. */
export function filterOrCow(node: BlockNode): BlockNode | undefined {
  return node.driver.isFilter ? (node.filtered() ?? node.child('backing')) : node.child('backing');
}

/** bdrv_skip_filters. */
export function skipFilters(node: BlockNode): BlockNode {
  const below = node.driver.isFilter ? filterOrCow(node) : undefined;
  return below === undefined ? node : skipFilters(below);
}

/** bdrv_chain_contains: `node` is `top` or lies below it in the chain. */
export function chainContains(top: BlockNode, node: BlockNode): boolean {
  for (let n: BlockNode | undefined = top; n !== undefined; n = filterOrCow(n)) if (n === node) return true;
  return false;
}

/**
 * The chain from `top` down to `base`, `base` excluded (all of it when `base` is undefined or not
 * in it): the nodes a job between the two blocks and the ones its start checks for op blockers.
 */
export function chainAbove(top: BlockNode | undefined, base: BlockNode | undefined): BlockNode[] {
  const out: BlockNode[] = [];
  for (let n = top; n !== undefined && n !== base; n = filterOrCow(n)) out.push(n);
  return out;
}

/** bdrv_find_overlay: the node directly above `base` in `top`'s chain (the last one if base is undefined). */
export function findOverlay(top: BlockNode, base: BlockNode | undefined): BlockNode | undefined {
  let n = top;
  for (let below = filterOrCow(n); below !== base; below = filterOrCow(n)) {
    if (below === undefined) return undefined;
    n = below;
  }
  return n;
}

/**
 * bdrv_find_backing_image: the node below `top` that `name` designates, walking the chain from
 * top without filters. Below a node whose backing was overridden (graph/filename.ts) only that
 * node's file name matches exactly, often a `json:{...}` one; below one opened from its header,
 * `name` is taken relative to the overlay's directory and compared by realpath with the header's
 * backing name taken the same way, or literally when either has a protocol prefix (`json:`).
 * The overlay itself never matches.
 */
export function findBackingImage(images: ImageStore, top: BlockNode, name: string): BlockNode | undefined {
  for (let curr = skipFilters(top); curr.child('backing') !== undefined && !curr.driver.isFilter; ) {
    const below = skipFilters(curr.child('backing') as BlockNode);
    if (backingMatches(images, curr, below, name)) return below;
    curr = below;
  }
  return undefined;
}

function backingMatches(images: ImageStore, curr: BlockNode, below: BlockNode, name: string): boolean {
  if (backingOverridden(curr)) return name === nodeFilename(below).filename;
  const header = qcow2ImageOf(curr)?.backingFile ?? '';
  const full = makeAbsoluteFilename(curr, header);
  if (pathHasProtocol(name) || pathHasProtocol(header)) return name === header || name === full;
  const wanted = makeAbsoluteFilename(curr, name);
  const canonical = wanted === undefined ? undefined : realpath(images, wanted);
  return canonical !== undefined && full !== undefined && canonical === realpath(images, full);
}

/** bdrv_find_base: the bottom of the chain. */
export function findBase(top: BlockNode): BlockNode {
  const below = filterOrCow(top);
  return below === undefined ? top : findBase(below);
}

/**
 * bdrv_is_allocated_above(top, bottom, include_base=true): the parts of the range some node from
 * `top` down to `bottom` (both included) provides itself.
 */
export function allocatedAbove(top: BlockNode, bottom: BlockNode, offset: Bytes, bytes: Bytes): Range[] {
  let holes: Range[] = [{ start: offset, end: offset + bytes }];
  for (let n: BlockNode | undefined = top; n !== undefined && holes.length > 0; n = filterOrCow(n)) {
    const node = n;
    if (!node.driver.isFilter) {
      holes = holes.flatMap((h) => {
        const inside = Math.min(h.end, node.length());
        if (inside <= h.start) return [h];
        return complement(node.driver.allocated(node, h.start, inside - h.start), h.start, h.end);
      });
    }
    if (node === bottom) break;
  }
  return complement(holes, offset, offset + bytes);
}

/**
 * The run of equal allocation status that starts at `offset`, as bdrv_is_allocated* report it in
 * `pnum`: whether `offset` is allocated and how many bytes (at most `max`) share that status.
 */
export function statusRun(allocated: readonly Range[], offset: Bytes, max: Bytes): { allocated: boolean; bytes: Bytes } {
  const end = offset + max;
  const here = allocated.find((r) => r.start <= offset && r.end > offset);
  if (here !== undefined) return { allocated: true, bytes: Math.min(here.end, end) - offset };
  const next = allocated.find((r) => r.start > offset);
  return { allocated: false, bytes: Math.min(next?.start ?? end, end) - offset };
}

/**
 * bdrv_replace_node: every parent of `from` (nodes and BlockBackends) points at `to` instead,
 * except `to` itself (which keeps `from` as its child when inserting a filter).
 */
export function replaceNode(graph: BlockGraph, from: BlockNode, to: BlockNode): void {
  for (const parent of graph.parents(from)) {
    if (parent.kind === 'backend') parent.backend.root = to;
    else if (parent.node !== to) parent.node.setChild(parent.role, to);
  }
}

/**
 * A node the chain no longer references is closed unless the monitor owns it (blockdev-add
 * nodes survive detached, bitmaps intact; reference 4.2). Closing drops the implicit nodes below
 * it that nothing else uses.
 */
export function releaseIfUnused(graph: BlockGraph, node: BlockNode): void {
  if (!node.monitorOwned && graph.node(node.nodeName) === node && graph.parents(node).length === 0) graph.removeSubtree(node);
}

/**
 * bdrv_insert_node / bdrv_append: a job's filter node above `node`, taking over all its parents.
 * Unnamed unless the user gave filter-node-name (then it is not implicit and shows as such).
 */
export function insertFilter(machine: Machine, driver: Driver, role: ChildRole, node: BlockNode, nodeName: string | undefined): BlockNode {
  const filter = new BlockNode(driver, {
    nodeName: nodeName ?? machine.nextImplicitNodeName(),
    implicit: nodeName === undefined,
    readOnly: false,
    discard: 'ignore',
    detectZeroes: 'off',
  });
  filter.setChild(role, node);
  machine.graph.addNode(filter);
  replaceNode(machine.graph, node, filter);
  return filter;
}

/** Remove a job's filter node: its parents get its child back (bdrv_drop_filter). */
export function dropFilter(graph: BlockGraph, filter: BlockNode): void {
  const below = filterOrCow(filter);
  if (below !== undefined) replaceNode(graph, filter, below);
  graph.removeNode(filter);
}

/**
 * bdrv_change_backing_file after `overlay`'s backing became `base` (stream_prepare, and commit's
 * bdrv_drop_intermediate via update_filename): the overlay's image header names the job's
 * backing-file argument, else base's own file, with base's format; no base removes the name.
 * Probed on 7.2.22 with qemu-img info after block-stream and block-commit.
 */
export function rewriteBackingFile(overlay: BlockNode, base: BlockNode | undefined, backingFile: string | undefined): void {
  const image = qcow2ImageOf(overlay);
  if (image === undefined) return;
  if (base === undefined) {
    changeBackingFile(image, undefined, undefined);
    if (overlay.driver instanceof Qcow2Driver) overlay.driver.autoBackingFile = '';
    return;
  }
  const format = base.driver.name;
  const file = backingFile ?? nodeFilename(base).filename;
  // A filter base's format name (QEMU writes it) is no image format; the next open then probes.
  changeBackingFile(image, file, format === 'qcow2' || format === 'raw' ? format : undefined);
  // bdrv_change_backing_file also makes the new name the node's auto_backing_file.
  if (overlay.driver instanceof Qcow2Driver) overlay.driver.autoBackingFile = file;
}
