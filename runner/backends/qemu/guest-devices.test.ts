import { describe, expect, it } from 'vitest';
import { GuestDevices, SCSI_CONTROLLER } from './guest-devices.ts';

const OK = { return: {} };

describe('GuestDevices', () => {
  it('reaches a virtio-blk-pci backend by its inner device, anything unknown as a node', () => {
    const d = new GuestDevices([{ id: 'vda' }]);
    expect(d.ioTarget('vda')).toBe('-d /machine/peripheral/vda/virtio-backend');
    expect(d.ioTarget('n0')).toBe('n0');
  });

  it('adds one SCSI controller before the first SCSI device, none for other models', () => {
    const d = new GuestDevices([]);
    expect(d.busFor('device_add', { driver: 'virtio-blk-pci', id: 'vdb', drive: 'n0' })).toBeUndefined();
    expect(d.busFor('blockdev-add', { driver: 'scsi-hd' })).toBeUndefined();
    expect(d.busFor('device_add', { driver: 'scsi-cd', id: 'cd0' })).toBe(SCSI_CONTROLLER);
    d.busAdded();
    expect(d.busFor('device_add', { driver: 'scsi-hd', id: 'sd0', drive: 'n0' })).toBeUndefined();
  });

  it('follows device_add and device_del by their replies: a SCSI disk is reached by its id', () => {
    const d = new GuestDevices([]);
    d.heard('device_add', { driver: 'scsi-hd', id: 'sd0', drive: 'n0' }, OK);
    d.heard('device_add', { driver: 'scsi-hd', id: 'sd1', drive: 'n1' }, { error: { class: 'GenericError', desc: 'No drive' } });
    d.heard('device_add', { driver: 'virtio-blk-pci', id: 'vdb', drive: 'n2' }, OK);
    expect([d.ioTarget('sd0'), d.ioTarget('sd1'), d.ioTarget('vdb')]).toEqual(['-d sd0', 'sd1', '-d /machine/peripheral/vdb/virtio-backend']);
    d.heard('device_del', { id: 'sd0' }, OK);
    expect(d.ioTarget('sd0')).toBe('sd0');
  });
});
