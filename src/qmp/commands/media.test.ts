import { describe, expect, it } from 'vitest';
import { createImage } from '../../image/create.ts';
import { qemuIo } from '../../io/qemu-io.ts';
import { chain, node, qmp } from '../../jobs/test-chain.ts';
import { observeDriveBitmaps } from '../../drive/observe.ts';
import type { Machine } from '../../machine.ts';

const gen = (desc: string) => ({ error: { class: 'GenericError', desc } });
const OK = { return: {} };

/** The chain with base as the medium of a removable scsi-hd sd0 (top stays under vda). */
function withDisk(): Machine {
  const m = chain();
  expect(qmp(m, 'device_add', { driver: 'scsi-hd', id: 'sd0', drive: 'base', removable: true })).toEqual(OK);
  return m;
}

const write = (m: Machine, line: string) => qemuIo(m, m.graph.device('sd0') ?? node(m, 'x'), line);
const d0 = (m: Machine) => observeDriveBitmaps(m.graph).find((d) => d.qdevId === 'sd0')?.bitmaps[0];

describe('removable media (texts probed on 7.2.22)', () => {
  it.each([
    ['blockdev-open-tray', { id: 'vda' }, gen('Device does not have a block device backend')],
    ['blockdev-open-tray', {}, gen("Need exactly one of 'device' and 'id'")],
    ['blockdev-open-tray', { id: 'nope' }, { error: { class: 'DeviceNotFound', desc: "Device 'nope' not found" } }],
    ['blockdev-remove-medium', { id: 'sd0' }, gen("Tray of device 'sd0' is not open")],
    ['blockdev-insert-medium', { id: 'sd0', node: 'mid' }, gen("Parameter 'node-name' is missing")],
    ['blockdev-insert-medium', { id: 'sd0', 'node-name': 'top' }, gen("Node 'top' is already in use")],
    ['blockdev-insert-medium', { id: 'sd0', 'node-name': 'mid' }, gen('Tray of the device is not open')],
  ])('%s %j', (command, args, reply) => {
    expect(qmp(withDisk(), command, args)).toEqual(reply);
  });

  it('a fixed scsi-hd is not removable; insert checks the node first and names no device', () => {
    const m = chain();
    qmp(m, 'device_add', { driver: 'scsi-hd', id: 'sd1', drive: 'base' });
    expect(qmp(m, 'blockdev-open-tray', { id: 'sd1' })).toEqual(gen("Device 'sd1' is not removable"));
    expect(qmp(m, 'blockdev-insert-medium', { id: 'sd1', 'node-name': 'nope' })).toEqual(gen("Node 'nope' not found"));
    expect(qmp(m, 'blockdev-insert-medium', { id: 'sd1', 'node-name': 'mid' })).toEqual(gen('Device is not removable'));
  });

  it('change-medium on a fixed disk opens the image first, then refuses and closes it', () => {
    const m = chain();
    qmp(m, 'device_add', { driver: 'scsi-hd', id: 'sd1', drive: 'base' });
    createImage(m.images, { filename: 'c1.qcow2', format: 'qcow2', size: 1 << 20 });
    const nodes = m.graph.nodes().length;
    expect(qmp(m, 'blockdev-change-medium', { id: 'sd1', filename: 'nope.qcow2' })).toEqual(gen("Could not open 'nope.qcow2': No such file or directory"));
    expect(qmp(m, 'blockdev-change-medium', { id: 'sd1', filename: 'mid.qcow2' })).toEqual(gen('Failed to get "write" lock'));
    expect(qmp(m, 'blockdev-change-medium', { id: 'sd1', filename: 'c1.qcow2' })).toEqual(gen("Device 'sd1' is not removable"));
    expect(m.graph.nodes()).toHaveLength(nodes);
  });

  it('an empty closed tray refuses remove-medium too', () => {
    const m = chain();
    qmp(m, 'device_add', { driver: 'scsi-cd', id: 'cd0' });
    expect(qmp(m, 'blockdev-remove-medium', { id: 'cd0' })).toEqual(gen("Tray of device 'cd0' is not open"));
  });

  it('inserting takes the device\'s image lock: a read-only scsi-cd cannot share an image written elsewhere', () => {
    const m = chain();
    qmp(m, 'device_add', { driver: 'scsi-cd', id: 'cd0' });
    qmp(m, 'blockdev-open-tray', { id: 'cd0' });
    qmp(m, 'blockdev-add', { driver: 'raw', 'node-name': 'r1', file: { driver: 'file', filename: 'base.qcow2' } });
    expect(qmp(m, 'blockdev-insert-medium', { id: 'cd0', 'node-name': 'r1' })).toEqual(gen('Failed to get shared "write" lock'));
    expect([m.graph.device('cd0')?.root, node(m, 'r1').readOnly]).toEqual([undefined, false]);
  });

  it('open, remove, insert, close: tray events when it moves, ENOMEDIUM meanwhile', () => {
    const m = withDisk();
    m.events.splice(0);
    expect(qmp(m, 'blockdev-open-tray', { id: 'sd0' })).toEqual(OK);
    expect(qmp(m, 'blockdev-open-tray', { id: 'sd0' })).toEqual(OK);
    expect(write(m, 'write 0 4K')).toEqual({ ok: false, message: 'write failed: No medium found' });
    expect(qmp(m, 'blockdev-insert-medium', { id: 'sd0', 'node-name': 'mid' })).toEqual(gen('There already is a medium in the device'));
    expect(qmp(m, 'blockdev-remove-medium', { id: 'sd0' })).toEqual(OK);
    expect(qmp(m, 'blockdev-remove-medium', { id: 'sd0' })).toEqual(OK);
    expect(node(m, 'base')).toBeDefined();
    expect(qmp(m, 'blockdev-close-tray', { id: 'sd0' })).toEqual(OK);
    expect(write(m, 'write 0 4K')).toEqual({ ok: false, message: 'write failed: No medium found' });
    expect(m.events).toEqual([
      { event: 'DEVICE_TRAY_MOVED', data: { device: '', 'tray-open': true, id: 'sd0' } },
      { event: 'DEVICE_TRAY_MOVED', data: { device: '', 'tray-open': false, id: 'sd0' } },
    ]);
  });

  it('a drive bitmap stays on the device: nothing recorded without medium, all of a new medium dirty', () => {
    const m = withDisk();
    expect(qmp(m, 'block-dirty-bitmap-add', { device: 'sd0', name: 'd0', granularity: 65536 })).toEqual(OK);
    expect(write(m, 'write 0 4K')).toEqual({ ok: true });
    qmp(m, 'blockdev-open-tray', { id: 'sd0' });
    qmp(m, 'blockdev-remove-medium', { id: 'sd0' });
    write(m, 'write 1M 4K');
    expect(d0(m)?.count).toBe(65536);
    expect(qmp(m, 'blockdev-insert-medium', { id: 'sd0', 'node-name': 'base' })).toEqual(OK);
    expect(d0(m)?.count).toBe(4 * 1024 * 1024);
  });

  it('change-medium opens the image as an auto-named node, moves the tray out and in, and closes a previous auto-named medium', () => {
    const m = withDisk();
    for (const filename of ['c1.qcow2', 'c2.qcow2']) createImage(m.images, { filename, format: 'qcow2', size: 1 << 20 });
    expect(qmp(m, 'blockdev-change-medium', { id: 'sd0', filename: 'c1.qcow2' })).toEqual(OK);
    const first = m.graph.device('sd0')?.root;
    expect([first?.nodeName.startsWith('#block'), m.graph.node('base')?.nodeName]).toEqual([true, 'base']);
    expect(m.events.filter((e) => e.event === 'DEVICE_TRAY_MOVED').map((e) => e.data['tray-open'])).toEqual([true, false]);
    expect(qmp(m, 'blockdev-change-medium', { id: 'sd0', filename: 'c2.qcow2' })).toEqual(OK);
    expect(m.graph.node(first?.nodeName ?? '')).toBeUndefined();
  });

  it('change-medium opens the new image first: a missing file changes nothing', () => {
    const m = withDisk();
    expect(qmp(m, 'blockdev-change-medium', { id: 'sd0', filename: 'nope.qcow2' })).toMatchObject({ error: { class: 'GenericError' } });
    expect(m.graph.device('sd0')?.root?.nodeName).toBe('base');
    expect(m.events.filter((e) => e.event === 'DEVICE_TRAY_MOVED')).toEqual([]);
  });
});
