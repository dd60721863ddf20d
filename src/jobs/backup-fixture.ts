/**
 * Test fixture for backup, the layout of the 7.2 probes: 4M qcow2 nodes src and tgt
 * (blockdev-add), a guest device vda on src, and b0 (64K) on src dirty in 4 clusters:
 * 0, 128K, 1M and 2M, which also hold data 0x11. tb (64K) on tgt records the job's writes.
 */
import type { BdrvDirtyBitmap } from '../bitmaps/dirty-bitmap.ts';
import { findDirtyBitmap } from '../bitmaps/node-bitmaps.ts';
import { add, machineWith } from '../io/test-support.ts';
import type { Machine } from '../machine.ts';
import { size } from '../size.ts';
import { guest, node, qmp } from './test-chain.ts';

export const B0_CLUSTERS = [0, size('128K'), size('1M'), size('2M')];

export function backupMachine(): Machine {
  const m = machineWith('qemu-7.2', [
    { filename: 'src.qcow2', format: 'qcow2', size: size('4M') },
    { filename: 'tgt.qcow2', format: 'qcow2', size: size('4M') },
  ]);
  add(m, { driver: 'qcow2', 'node-name': 'src', file: { driver: 'file', filename: 'src.qcow2' } });
  add(m, { driver: 'qcow2', 'node-name': 'tgt', file: { driver: 'file', filename: 'tgt.qcow2' } });
  m.graph.attachBackend({ kind: 'device', qdevId: 'vda', driver: 'virtio-blk-pci' }, node(m, 'src'));
  qmp(m, 'block-dirty-bitmap-add', { node: 'src', name: 'b0', granularity: 65536 });
  qmp(m, 'block-dirty-bitmap-add', { node: 'tgt', name: 'tb', granularity: 65536 });
  for (const offset of B0_CLUSTERS) guest(m, `write -P 0x11 ${offset} 64K`);
  return m;
}

export function bitmap(m: Machine, nodeName: string, name: string): BdrvDirtyBitmap {
  const b = findDirtyBitmap(node(m, nodeName), name);
  if (b === undefined) throw new Error(`no bitmap ${nodeName}/${name}`);
  return b;
}

/** The dirty granule offsets of a bitmap, for readable expectations. */
export function dirtyOffsets(b: BdrvDirtyBitmap): number[] {
  const out: number[] = [];
  for (const e of b.contents?.extents() ?? []) for (let o = e.offset; o < e.offset + e.length; o += b.granularity) out.push(o);
  return out;
}

/** A node's bitmaps as the probes printed them: name (or <anon>), count, recording, busy. */
export function listed(m: Machine, nodeName: string): [string, number, boolean, boolean][] {
  return node(m, nodeName).dirtyBitmaps.map((b) => [b.name ?? '<anon>', b.count, b.recording, b.busy]);
}
