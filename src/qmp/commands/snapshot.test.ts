import { beforeEach, describe, expect, it } from 'vitest';
import { findDirtyBitmap } from '../../bitmaps/node-bitmaps.ts';
import { add, io, machineWith } from '../../io/test-support.ts';
import type { Machine } from '../../machine.ts';
import { size } from '../../size.ts';
import { dispatch } from '../dispatcher.ts';
import { qmpCommands } from './index.ts';

let m: Machine;
const qmp = (command: string, args: Record<string, unknown>) => dispatch(qmpCommands, m, command, args);
const err = (desc: string) => ({ error: { class: 'GenericError', desc } });
const node = (name: string) => m.graph.node(name)!;
const qcow2 = (name: string, extra: Record<string, unknown> = {}) =>
  add(m, { driver: 'qcow2', 'node-name': name, file: { driver: 'file', filename: `${name}.qcow2` }, ...extra });

beforeEach(() => {
  m = machineWith('qemu-7.2', [
    ...['top', 'snap', 'other', 'wb'].map((n) => ({ filename: `${n}.qcow2`, format: 'qcow2' as const, size: size('1M') })),
    { filename: 'r.img', format: 'raw', size: size('1M') },
  ]);
  qcow2('top');
  add(m, { driver: 'throttle', 'node-name': 'thr', 'throttle-group': 'tg', file: 'top' });
  qmp('device_add', { driver: 'virtio-blk-pci', id: 'vda', drive: 'thr' });
  qmp('block-dirty-bitmap-add', { node: 'top', name: 'b0' });
});

describe('blockdev-snapshot', () => {
  it('puts the overlay under every parent of the old node; the bitmap stays behind and stops changing (reference 2.3)', () => {
    const snap = qcow2('snap');
    io(m, 'thr', 'write -P 0x11 0 4K');
    expect(qmp('blockdev-snapshot', { node: 'top', overlay: 'snap' })).toEqual({ return: {} });
    expect(node('thr').child('file')).toBe(snap);
    expect(snap.child('backing')).toBe(node('top'));
    expect(m.graph.device('vda')?.root).toBe(node('thr'));
    expect([node('top').readOnly, node('top').child('file')?.readOnly, snap.readOnly]).toEqual([true, true, false]);
    expect(m.graph.parents(node('top'))).toEqual([{ kind: 'node', node: snap, role: 'backing' }]);

    io(m, 'thr', 'write -P 0x22 512K 4K');
    expect(findDirtyBitmap(node('top'), 'b0')?.count).toBe(65536);
    expect(snap.dirtyBitmaps).toEqual([]);
    // The overlay reads the old data through its new backing link.
    io(m, 'thr', 'read -P 0x11 0 4K');
  });

  it('refuses with QEMU 7.2 texts, in its order', () => {
    qcow2('snap');
    qcow2('other', { backing: null });
    add(m, { driver: 'throttle', 'node-name': 'othr', 'throttle-group': 'tg', file: 'other' });
    expect(qmp('blockdev-snapshot', { node: 'nope', overlay: 'snap' })).toEqual(err("Cannot find device='nope' nor node-name='nope'"));
    expect(qmp('blockdev-snapshot', { node: 'top', overlay: 'nope' })).toEqual(err("Cannot find device='nope' nor node-name='nope'"));
    expect(qmp('blockdev-snapshot', { node: 'top' })).toEqual(err("Parameter 'overlay' is missing"));
    expect(qmp('blockdev-snapshot', { node: 'top', overlay: 'othr' })).toEqual(err('Filters cannot be used as overlays'));
    // A qcow2 node reads its file child consistently (metadata).
    expect(qmp('blockdev-snapshot', { node: 'top', overlay: node('top').child('file')!.nodeName })).toEqual(err('The overlay is already in use'));
    qmp('device_add', { driver: 'virtio-blk-pci', id: 'vdb', drive: 'othr' });
    expect(qmp('blockdev-snapshot', { node: 'top', overlay: 'other' })).toEqual(err('The overlay is already in use'));
    add(m, { driver: 'file', 'node-name': 'rf', filename: 'r.img' });
    expect(qmp('blockdev-snapshot', { node: 'top', overlay: 'rf' })).toEqual(err('The overlay does not support backing images'));
    expect(qmp('blockdev-snapshot', { node: 'snap', overlay: 'snap' })).toEqual(err("Making 'snap' a backing child of 'snap' would create a cycle"));
    expect(qmp('blockdev-snapshot', { node: 'top', overlay: 'snap' })).toEqual({ return: {} });
    expect(qmp('blockdev-snapshot', { node: 'top', overlay: 'snap' })).toEqual(err("Node 'top' is busy: node is used as backing hd of 'snap'"));
    qcow2('wb', { backing: 'other' });
    expect(qmp('blockdev-snapshot', { node: 'othr', overlay: 'wb' })).toEqual(err('The overlay already has a backing image'));
  });

  it('as a transaction action: abort restores the graph and leaves the old node writable; grouped is refused', () => {
    const snap = qcow2('snap');
    const action = { type: 'blockdev-snapshot', data: { node: 'top', overlay: 'snap' } };
    expect(qmp('transaction', { actions: [action, { type: 'abort', data: {} }] })).toEqual(err('Transaction aborted using Abort action'));
    expect([node('thr').child('file'), snap.child('backing'), node('top').readOnly]).toEqual([node('top'), undefined, false]);
    expect(qmp('transaction', { actions: [action], properties: { 'completion-mode': 'grouped' } })).toEqual(
      err("Action 'blockdev-snapshot' does not support Transaction property completion-mode = grouped"),
    );
    // A later action sees the overlay in place.
    expect(qmp('transaction', { actions: [action, { type: 'block-dirty-bitmap-add', data: { node: 'snap', name: 'b1' } }] })).toEqual({ return: {} });
    io(m, 'thr', 'write 0 4K');
    expect([findDirtyBitmap(snap, 'b1')?.count, findDirtyBitmap(node('top'), 'b0')?.count]).toEqual([65536, 0]);
  });
});

describe('blockdev-snapshot-sync', () => {
  it('creates the overlay image over the old one and opens it with an implicit name unless one is given', () => {
    expect(qmp('blockdev-snapshot-sync', { 'node-name': 'top', 'snapshot-file': 's.qcow2', 'snapshot-node-name': 's' })).toEqual({ return: {} });
    expect(m.images.get('s.qcow2')).toMatchObject({ size: size('1M'), backingFile: 'top.qcow2', backingFormat: 'qcow2' });
    const s = node('s');
    expect([s.monitorOwned, s.child('backing'), node('thr').child('file')]).toEqual([false, node('top'), s]);
    // -sync by device name finds no named BlockBackend in the sim; by node name it needs the new name.
    expect(qmp('blockdev-snapshot-sync', { 'node-name': 's', 'snapshot-file': 't.qcow2' })).toEqual(err('New overlay node-name missing'));
    expect(qmp('blockdev-snapshot-sync', { 'node-name': 's', 'snapshot-file': 't.qcow2', 'snapshot-node-name': 'top' })).toEqual(
      err('New overlay node-name already in use'),
    );
    expect(qmp('blockdev-snapshot-sync', { device: 'vda', 'snapshot-file': 't.qcow2' })).toEqual(err("Cannot find device='vda' nor node-name=''"));
    expect(qmp('blockdev-snapshot-sync', { 'node-name': 's', 'snapshot-file': 't.qcow2', 'snapshot-node-name': 't', format: 'raw' })).toEqual(
      err("Backing file not supported for file format 'raw'"),
    );
    expect(qmp('blockdev-snapshot-sync', { 'node-name': 's', 'snapshot-file': 'x.qcow2', 'snapshot-node-name': 't', mode: 'existing' })).toEqual(
      err("Could not open 'x.qcow2': No such file or directory"),
    );
    expect(qmp('blockdev-snapshot-sync', { 'node-name': 's', 'snapshot-file': 'x', 'snapshot-node-name': 't', mode: 'bogus' })).toEqual(
      err("Parameter 'mode' does not accept value 'bogus'"),
    );
    expect(m.graph.node('t')).toBeUndefined();
  });

  it('an aborted -sync closes the overlay it opened (the image file stays, as qemu-img made it)', () => {
    const before = m.graph.nodes().length;
    const action = { type: 'blockdev-snapshot-sync', data: { 'node-name': 'top', 'snapshot-file': 's.qcow2', 'snapshot-node-name': 's' } };
    expect(qmp('transaction', { actions: [action, { type: 'abort', data: {} }] })).toEqual(err('Transaction aborted using Abort action'));
    expect([m.graph.nodes().length, node('thr').child('file'), m.images.get('s.qcow2') !== undefined]).toEqual([before, node('top'), true]);
  });
});
