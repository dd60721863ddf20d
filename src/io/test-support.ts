/** Graph building helpers shared by the request-path tests. */
import { BdrvDirtyBitmap } from '../bitmaps/dirty-bitmap.ts';
import { blockdevAdd } from '../graph/open.ts';
import type { BlockNode } from '../graph/node.ts';
import { createImage, type CreateOptions } from '../image/create.ts';
import { Machine, type Semantics } from '../machine.ts';
import { qemuIo } from './qemu-io.ts';

export function machineWith(semantics: Semantics, images: readonly CreateOptions[]): Machine {
  const m = new Machine(semantics);
  for (const o of images) {
    const r = createImage(m.images, o);
    if (!r.ok) throw new Error(r.message);
  }
  return m;
}

export function add(m: Machine, options: Record<string, unknown>): BlockNode {
  const r = blockdevAdd(m, options);
  if (!r.ok) throw new Error(r.message);
  return r.node;
}

/** Put a 64K-granularity bitmap on each named node and return them by node name. */
export function bitmaps(m: Machine, ...names: string[]): Record<string, BdrvDirtyBitmap> {
  const out: Record<string, BdrvDirtyBitmap> = {};
  for (const name of names) {
    const node = m.graph.node(name);
    if (node === undefined) throw new Error(`no node ${name}`);
    const b = BdrvDirtyBitmap.create('b', node.length(), 65536);
    node.dirtyBitmaps.unshift(b);
    out[name] = b;
  }
  return out;
}

export function io(m: Machine, node: string, line: string): void {
  const target = m.graph.node(node);
  if (target === undefined) throw new Error(`no node ${node}`);
  const r = qemuIo(m, target, line);
  if (!r.ok) throw new Error(r.message);
}
