import { describe, expect, it } from 'vitest';
import { createImage } from '../../src/image/create.ts';
import { Simulator } from '../../src/simulator.ts';
import { driveObservations } from './sim-drives.ts';

describe('driveObservations', () => {
  it('lists every guest device as device:<id> with its drive bitmaps and exact extents', () => {
    const sim = new Simulator();
    createImage(sim.images, { filename: 'a.qcow2', format: 'qcow2', size: 1 << 20 });
    sim.qmp('blockdev-add', { driver: 'qcow2', 'node-name': 'n0', file: { driver: 'file', filename: 'a.qcow2' } });
    sim.qmp('device_add', { driver: 'virtio-blk-pci', id: 'vda', drive: 'n0' });
    expect(driveObservations(sim)).toEqual([{ nodeName: 'device:vda', driver: 'BlockBackend', bitmaps: [] }]);
    expect(sim.qmp('block-dirty-bitmap-add', { device: 'vda', name: 'd0' })).toEqual({ return: {} });
    expect(sim.io('vda', 'write 64K 1')).toEqual({ ok: true });
    expect(driveObservations(sim)[0]?.bitmaps).toEqual([
      expect.objectContaining({ name: 'd0', count: 65536, size: 1 << 20, extents: [{ offset: 65536, length: 65536 }] }),
    ]);
  });
});
