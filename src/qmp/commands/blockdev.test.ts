import { describe, expect, it } from 'vitest';
import { add, bitmaps, io, machineWith } from '../../io/test-support.ts';
import type { Machine } from '../../machine.ts';
import { size } from '../../size.ts';
import { dispatch } from '../dispatcher.ts';
import { blockdevCommands } from './blockdev.ts';

const run = (m: Machine, command: string, args: Record<string, unknown>) => dispatch(blockdevCommands, m, command, args);
const err = (desc: string) => ({ error: { class: 'GenericError', desc } });

function twoImages(): Machine {
  return machineWith('qemu-7.2', [
    { filename: 'e1.qcow2', format: 'qcow2', size: size('4M') },
    { filename: 'e2.qcow2', format: 'qcow2', size: size('4M'), backingFile: 'e1.qcow2', backingFormat: 'qcow2' },
  ]);
}

describe('blockdev-add', () => {
  it('opens the header backing chain as implicit read-only nodes', () => {
    const m = twoImages();
    expect(run(m, 'blockdev-add', { driver: 'qcow2', 'node-name': 'n2', file: { driver: 'file', filename: 'e2.qcow2' } })).toEqual({ return: {} });
    const n2 = m.graph.node('n2')!;
    const backing = n2.child('backing')!;
    expect(backing.implicit && backing.readOnly).toBe(true);
    expect(backing.driver.filename(backing)).toBe('e1.qcow2');
    expect(m.graph.nodes()).toHaveLength(4);
  });

  it('backing: null opens no chain; a backing reference must exist', () => {
    const m = twoImages();
    run(m, 'blockdev-add', { driver: 'qcow2', 'node-name': 'n2', file: { driver: 'file', filename: 'e2.qcow2' }, backing: null });
    expect(m.graph.node('n2')?.child('backing')).toBeUndefined();
    // n2 holds e2.qcow2's write lock until it closes.
    expect(run(m, 'blockdev-del', { 'node-name': 'n2' })).toEqual({ return: {} });
    expect(run(m, 'blockdev-add', { driver: 'qcow2', 'node-name': 'n3', file: { driver: 'file', filename: 'e2.qcow2' }, backing: 'nope' })).toEqual(
      err("Could not open backing file: Cannot find device='nope' nor node-name='nope'"),
    );
  });

  it('reports QEMU messages and adds nothing on failure', () => {
    const m = twoImages();
    run(m, 'blockdev-add', { driver: 'file', 'node-name': 'f1', filename: 'e1.qcow2' });
    expect(run(m, 'blockdev-add', { driver: 'file', 'node-name': 'f1', filename: 'e1.qcow2' })).toEqual(err("Duplicate nodes with node-name='f1'"));
    expect(run(m, 'blockdev-add', { driver: 'qcow2', 'node-name': 'bad name', file: 'f1' })).toEqual(err("Invalid node-name: 'bad name'"));
    expect(run(m, 'blockdev-add', { driver: 'qcow2', 'node-name': 'x', file: 'nope' })).toEqual(err("Cannot find device='nope' nor node-name='nope'"));
    expect(run(m, 'blockdev-add', { driver: 'qcow2', 'node-name': 'x', file: { driver: 'file', filename: 'none.qcow2' } })).toEqual(
      err("Could not open 'none.qcow2': No such file or directory"),
    );
    expect(run(m, 'blockdev-add', { driver: 'file', 'node-name': 'fd', filename: 'e1.qcow2', discard: 'bogus' })).toEqual(
      err("Parameter 'discard' does not accept value 'bogus'"),
    );
    expect(run(m, 'blockdev-add', { driver: 'file', filename: 'e1.qcow2' })).toEqual(err("'node-name' must be specified for the root node"));
    expect(m.graph.nodes().map((n) => n.nodeName)).toEqual(['f1']);
  });

  it('refuses a qcow2 node over a file that is not qcow2', () => {
    const m = machineWith('qemu-7.2', [{ filename: 'r.img', format: 'raw', size: size('1M') }]);
    expect(run(m, 'blockdev-add', { driver: 'qcow2', 'node-name': 'q', file: { driver: 'file', filename: 'r.img' } })).toEqual(
      err('Image is not in qcow2 format'),
    );
  });
});

describe('blockdev-del', () => {
  it('checks in QEMU order: not found, device, backing blocker, monitor ownership, other parents', () => {
    const m = twoImages();
    run(m, 'blockdev-add', { driver: 'qcow2', 'node-name': 'n2', file: { driver: 'file', filename: 'e2.qcow2' } });
    const [backing, file] = [m.graph.node('n2')!.child('backing')!, m.graph.node('n2')!.child('file')!];
    expect(run(m, 'blockdev-del', { 'node-name': 'nope' })).toEqual(err("Failed to find node with node-name='nope'"));
    expect(run(m, 'blockdev-del', { 'node-name': backing.nodeName })).toEqual(
      err(`Node '${backing.nodeName}' is busy: node is used as backing hd of 'n2'`),
    );
    expect(run(m, 'blockdev-del', { 'node-name': file.nodeName })).toEqual(err(`Node ${file.nodeName} is not owned by the monitor`));
    run(m, 'blockdev-add', { driver: 'raw', 'node-name': 'rr', file: 'n2' });
    expect(run(m, 'blockdev-del', { 'node-name': 'n2' })).toEqual(err('Block device n2 is in use'));
    run(m, 'device_add', { driver: 'virtio-blk-pci', id: 'vd0', drive: 'rr' });
    expect(run(m, 'blockdev-del', { 'node-name': 'rr' })).toEqual(err('Node rr is in use'));
    run(m, 'device_del', { id: 'vd0' });
    expect(m.events).toEqual([{ event: 'DEVICE_DELETED', data: { device: 'vd0', path: '/machine/peripheral/vd0' } }]);
    expect(run(m, 'blockdev-del', { 'node-name': 'rr' })).toEqual({ return: {} });
    expect(run(m, 'blockdev-del', { 'node-name': 'n2' })).toEqual({ return: {} });
    expect(m.graph.nodes()).toEqual([]);
  });
});

describe('device_add / device_del', () => {
  it('attaches a BlockBackend and reports QEMU errors', () => {
    const m = twoImages();
    run(m, 'blockdev-add', { driver: 'qcow2', 'node-name': 'n1', file: { driver: 'file', filename: 'e1.qcow2' } });
    expect(run(m, 'device_add', { driver: 'virtio-blk-pci', id: 'vd0', drive: 'n1' })).toEqual({ return: {} });
    expect(m.graph.device('vd0')?.root?.nodeName).toBe('n1');
    expect(run(m, 'device_add', { driver: 'virtio-blk-pci', id: 'vd0', drive: 'n1' })).toEqual(err("Duplicate device ID 'vd0'"));
    expect(run(m, 'device_add', { driver: 'virtio-blk-pci', id: 'vd2', drive: 'nope' })).toEqual(
      err("Property 'virtio-blk-device.drive' can't find value 'nope'"),
    );
    expect(run(m, 'device_add', { driver: 'virtio-blk-pci', id: 'vd3' })).toEqual(err('drive property not set'));
    expect(run(m, 'device_add', { driver: 'virtio-blk-pci', id: 'vd1', drive: 'n1' })).toEqual(
      err(
        "Permission conflict on node 'n1': permissions 'write' are both required by block device '/machine/peripheral/vd0/virtio-backend' " +
          "(uses node 'n1' as 'root' child) and unshared by block device '/machine/peripheral/vd1/virtio-backend' (uses node 'n1' as 'root' child).",
      ),
    );
    expect(run(m, 'device_del', { id: 'nope' })).toEqual({ error: { class: 'DeviceNotFound', desc: "Device 'nope' not found" } });
  });
});

describe('block_resize', () => {
  it('resizes the node and its bitmaps; growing adds clean granules, shrinking drops bits', () => {
    const m = twoImages();
    add(m, { driver: 'qcow2', 'node-name': 'n1', file: { driver: 'file', filename: 'e1.qcow2' } });
    const b = bitmaps(m, 'n1');
    io(m, 'n1', 'write 3M 1M');
    expect(run(m, 'block_resize', { 'node-name': 'n1', size: size('8M') })).toEqual({ return: {} });
    expect([m.graph.node('n1')?.length(), b.n1?.size, b.n1?.count]).toEqual([size('8M'), size('8M'), size('1M')]);
    expect(run(m, 'block_resize', { 'node-name': 'n1', size: size('3M') + 4096 })).toEqual({ return: {} });
    expect(b.n1?.count).toBe(65536);
  });

  it('reports QEMU errors', () => {
    const m = twoImages();
    add(m, { driver: 'qcow2', 'node-name': 'n1', file: { driver: 'file', filename: 'e1.qcow2' } });
    expect(run(m, 'block_resize', { 'node-name': 'n1', size: -1 })).toEqual(err("Parameter 'size' expects a >0 size"));
    expect(run(m, 'block_resize', { 'node-name': 'nope', size: 1 })).toEqual(err("Cannot find device='' nor node-name='nope'"));
    expect(run(m, 'block_resize', { device: 'vd0', size: 1 })).toEqual(err("Cannot find device='vd0' nor node-name=''"));
    expect(run(m, 'block_resize', { 'node-name': 'n1', size: 1000 })).toEqual(err('The new size must be a multiple of 512'));
    expect(run(m, 'block_resize', { 'node-name': 'n1', size: 1.5 })).toEqual(err("Invalid parameter type for 'size', expected: integer"));
  });
});
