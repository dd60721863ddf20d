import { describe, expect, it } from 'vitest';
import { chain, node, qmp } from '../jobs/test-chain.ts';
import { createDevice } from './devices.ts';

const gen = (desc: string) => ({ error: { class: 'GenericError', desc } });

describe('device models (texts probed on 7.2.22)', () => {
  it('scsi-cd may start empty, is always removable and opens its medium read-only', () => {
    const m = chain();
    const empty = createDevice(m.graph, { driver: 'scsi-cd', id: 'cd0' });
    expect(empty.ok && [empty.backend.root, empty.backend.owner]).toEqual([undefined, { kind: 'device', qdevId: 'cd0', driver: 'scsi-cd', removable: true }]);
    expect(createDevice(m.graph, { driver: 'scsi-cd', id: 'cd1', drive: 'base' })).toMatchObject({ ok: true });
    expect(node(m, 'base').readOnly).toBe(true);
  });

  it('scsi-hd needs a drive and is removable only when asked; no permission check between SCSI devices', () => {
    const m = chain();
    expect(createDevice(m.graph, { driver: 'scsi-hd', id: 'sd0' })).toEqual({ ok: false, message: 'drive property not set' });
    expect(createDevice(m.graph, { driver: 'scsi-hd', id: 'sd0', drive: 'nope' })).toEqual({ ok: false, message: "Property 'scsi-hd.drive' can't find value 'nope'" });
    const fixed = createDevice(m.graph, { driver: 'scsi-hd', id: 'sd0', drive: 'mid' });
    expect(fixed.ok && fixed.backend.owner).toEqual({ kind: 'device', qdevId: 'sd0', driver: 'scsi-hd', removable: false });
    expect(createDevice(m.graph, { driver: 'scsi-hd', id: 'sd1', drive: 'mid', removable: true })).toMatchObject({ ok: true });
    expect(createDevice(m.graph, { driver: 'scsi-hd', id: 'sd1', drive: 'mid' })).toEqual({ ok: false, message: "Duplicate device ID 'sd1'" });
  });

  it('device_add: only the SCSI models take removable; an unknown model is refused after the argument checks', () => {
    const m = chain();
    expect(qmp(m, 'device_add', { driver: 'virtio-blk-pci', id: 'vdb', drive: 'mid', removable: true })).toEqual(gen("Parameter 'removable' is unexpected"));
    expect(qmp(m, 'device_add', { driver: 'ide-hd', drive: 'mid' })).toEqual(gen("Parameter 'id' is missing"));
    expect(qmp(m, 'device_add', { driver: 'ide-hd', id: 'x', drive: 'mid' })).toEqual(gen("'ide-hd' is not a valid device model name"));
    expect(qmp(m, 'device_add', { driver: 'scsi-cd', id: 'cd0' })).toEqual({ return: {} });
    expect(m.graph.device('cd0')?.owner).toMatchObject({ driver: 'scsi-cd', removable: true });
  });
});
