/**
 * Test fixture for the mirror probes run on QEMU 7.2: src and tgt, 4M qcow2 nodes opened with
 * blockdev-add (monitor-owned), src with 0xaa at [0,1M), a guest device vda on src, and a
 * bitmap `s0` on src and `t0` on tgt added through QMP.
 */
import type { BdrvDirtyBitmap } from '../bitmaps/dirty-bitmap.ts';
import { add, io, machineWith } from '../io/test-support.ts';
import type { Machine } from '../machine.ts';
import { size } from '../size.ts';
import { node, qmp } from './test-chain.ts';

export function mirrorMachine(): Machine {
  const m = machineWith('qemu-7.2', [
    { filename: 'src.qcow2', format: 'qcow2', size: size('4M') },
    { filename: 'tgt.qcow2', format: 'qcow2', size: size('4M') },
  ]);
  add(m, { driver: 'qcow2', 'node-name': 'src', file: { driver: 'file', filename: 'src.qcow2' } });
  io(m, 'src', 'write -P 0xaa 0 1M');
  add(m, { driver: 'qcow2', 'node-name': 'tgt', file: { driver: 'file', filename: 'tgt.qcow2' } });
  qmp(m, 'device_add', { driver: 'virtio-blk-pci', id: 'vda', drive: 'src' });
  qmp(m, 'block-dirty-bitmap-add', { node: 'src', name: 's0' });
  qmp(m, 'block-dirty-bitmap-add', { node: 'tgt', name: 't0' });
  return m;
}

/** A node's bitmap by name, or its anonymous one (`undefined`). */
export function bitmapOn(m: Machine, nodeName: string, name: string | undefined): BdrvDirtyBitmap | undefined {
  return node(m, nodeName).dirtyBitmaps.find((b) => b.name === name);
}

/** The node under the guest device: what the guest sees as its disk. */
export function deviceRoot(m: Machine): string | undefined {
  return m.graph.device('vda')?.root?.nodeName;
}
