/**
 * observe(): every node of query-named-block-nodes with its bitmaps (newest first, as QEMU lists
 * them), each with its x-debug sha256 and, where QEMU can export it, its exact dirty extents.
 * Implicit node names (#blockNNN) count every node QEMU ever named, so they are renamed
 * `#implicit1`, `#implicit2`, ... oldest first. query-named-block-nodes lists nodes newest first
 * (by when they got their name; a qcow2 node's file child is named just before it), so the
 * numbering runs from the end of the list. It depends on the graph, not on QEMU's history.
 */
import { createHash } from 'node:crypto';
import type { BitmapObservation, NodeObservation } from '../backend.ts';
import type { QemuInstance } from './instance.ts';
import { isLost, type QmpLost } from './qmp-client.ts';
import type { BitmapReader } from './readback.ts';

/** BlockDirtyInfo as QEMU 7.2 sends it; `inconsistent` is present only when true (reference 3.1). */
interface DirtyInfo {
  readonly name?: string;
  readonly granularity: number;
  readonly count: number;
  readonly recording: boolean;
  readonly busy: boolean;
  readonly persistent: boolean;
  readonly inconsistent?: boolean;
}

interface NamedNode {
  readonly 'node-name': string;
  readonly drv: string;
  readonly image: { readonly 'virtual-size': number };
  readonly 'dirty-bitmaps'?: readonly DirtyInfo[];
}

const IMPLICIT_PREFIX = '#implicit';

/** QEMU's node names mapped to history-independent ones; explicit names map to themselves. */
export function canonicalNames(nodeNamesNewestFirst: readonly string[]): Map<string, string> {
  let implicit = 0;
  const oldestFirst = [...nodeNamesNewestFirst].reverse();
  return new Map(oldestFirst.map((n) => [n, n.startsWith('#') ? `${IMPLICIT_PREFIX}${++implicit}` : n]));
}

/** util/hbitmap.c:hbitmap_sha256 of an all-clean bitmap: max(ceil(nbits/64), 1) zero words. */
export function cleanSha256(size: number, granularity: number): string {
  const words = Math.max(Math.ceil(Math.ceil(size / granularity) / 64), 1);
  return createHash('sha256').update(Buffer.alloc(words * 8)).digest('hex');
}

export async function observe(qemu: QemuInstance, reader: BitmapReader): Promise<NodeObservation[] | QmpLost> {
  const reply = await qemu.execute('query-named-block-nodes', { flat: true });
  if (isLost(reply)) return reply;
  if ('error' in reply) return { lost: `query-named-block-nodes: ${reply.error.desc}` };
  const nodes = reply.return as readonly NamedNode[];
  const names = canonicalNames(nodes.map((n) => n['node-name']));
  const observed: NodeObservation[] = [];
  for (const node of nodes) {
    const bitmaps: BitmapObservation[] = [];
    for (const info of node['dirty-bitmaps'] ?? []) {
      const bitmap = await observeBitmap(qemu, reader, node, info);
      if (isLost(bitmap)) return bitmap;
      bitmaps.push(bitmap);
    }
    observed.push({ nodeName: names.get(node['node-name']) ?? node['node-name'], driver: node.drv, bitmaps });
  }
  return observed;
}

async function observeBitmap(qemu: QemuInstance, reader: BitmapReader, node: NamedNode, info: DirtyInfo): Promise<BitmapObservation | QmpLost> {
  const size = node.image['virtual-size'];
  const state = {
    granularity: info.granularity,
    count: info.count,
    recording: info.recording,
    busy: info.busy,
    persistent: info.persistent,
    inconsistent: info.inconsistent === true,
    size,
  };
  if (info.name === undefined) {
    // An anonymous bitmap cannot be named in any command, so only a clean one is known exactly.
    return info.count === 0 ? { ...state, sha256: cleanSha256(size, info.granularity), extents: [] } : state;
  }
  const digest = await qemu.execute('x-debug-block-dirty-bitmap-sha256', { node: node['node-name'], name: info.name });
  if (isLost(digest)) return digest;
  if ('error' in digest) return { lost: `x-debug-block-dirty-bitmap-sha256 ${info.name}: ${digest.error.desc}` };
  const sha256 = String((digest.return as { sha256?: unknown }).sha256);
  // Busy and inconsistent bitmaps cannot be merged or exported (reference 3.2, 6.1).
  if (info.busy || state.inconsistent) return { name: info.name, ...state, sha256 };
  const extents = await reader.extents({ node: node['node-name'], name: info.name, granularity: info.granularity, size, sha256 });
  if (isLost(extents)) return extents;
  return { name: info.name, ...state, sha256, extents };
}
