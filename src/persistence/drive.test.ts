import { describe, expect, it } from 'vitest';
import { observeDriveBitmaps } from '../drive/observe.ts';
import { infoFlags } from '../image/bitmap-directory.ts';
import type { Qcow2Image } from '../image/image.ts';
import { add } from '../io/test-support.ts';
import { chain, guest, node, qmp } from '../jobs/test-chain.ts';
import { createImage } from '../image/create.ts';
import { size } from '../size.ts';
import { Machine } from '../machine.ts';

const K = (n: number) => n * 1024;
const OK = { return: {} };

/** What a harness does after a quit or a kill: the chain of test-chain.ts again over the same files, then vda. */
function reopen(old: Machine, { device = true } = {}): Machine {
  const m = new Machine(old.semantics, old.images);
  add(m, { driver: 'qcow2', 'node-name': 'base', file: { driver: 'file', filename: 'base.qcow2' } });
  add(m, { driver: 'qcow2', 'node-name': 'mid', backing: 'base', file: { driver: 'file', filename: 'mid.qcow2' } });
  add(m, { driver: 'qcow2', 'node-name': 'top', backing: 'mid', file: { driver: 'file', filename: 'top.qcow2' } });
  if (device) expect(qmp(m, 'device_add', { driver: 'virtio-blk-pci', id: 'vda', drive: 'top' })).toEqual(OK);
  return m;
}

const drives = (m: Machine) =>
  observeDriveBitmaps(m.graph)
    .find((d) => d.qdevId === 'vda')
    ?.bitmaps.map(({ name, count, recording, inconsistent, persistent }) => ({ name, count, recording, inconsistent, persistent }));
const stored = (m: Machine, file: string) =>
  (m.images.get(file) as Qcow2Image).bitmaps.entries().map((e) => `${e.name}:${e.owner.kind === 'device' ? e.owner.qdevId : 'node'}:${infoFlags(e).join(',')}`);
const pinned = (m: Machine) => m.graph.backends().flatMap((b) => (b.owner.kind === 'reference' ? [`${b.owner.bitmap}@${b.root?.nodeName ?? ''}`] : []));

describe('persistent drive bitmaps across restart and crash', () => {
  it('quit stores them as device-owned entries (auto iff enabled); restart loads them onto vda, not the node, pinned again', () => {
    const m = chain();
    expect(qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0', persistent: true })).toEqual(OK);
    expect(qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd-off', persistent: true, 'storage-node': 'mid', disabled: true })).toEqual(OK);
    expect(qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'temp' })).toEqual(OK);
    guest(m, 'write 64K 4K');
    m.quit();
    expect([stored(m, 'top.qcow2'), stored(m, 'mid.qcow2')]).toEqual([['d0:vda:auto'], ['d-off:vda:']]);
    const again = reopen(m);
    // Nodes in open order (base, mid, top), each entry put at the head of the device's list.
    expect(drives(again)).toEqual([
      { name: 'd0', count: K(64), recording: true, inconsistent: false, persistent: true },
      { name: 'd-off', count: 0, recording: false, inconsistent: false, persistent: true },
    ]);
    expect(node(again, 'top').dirtyBitmaps).toEqual([]);
    expect([stored(again, 'top.qcow2'), stored(again, 'mid.qcow2')]).toEqual([['d0:vda:in-use,auto'], ['d-off:vda:in-use']]);
    expect(pinned(again)).toEqual(['d-off@mid', 'd0@top']);
    expect(qmp(again, 'blockdev-del', { 'node-name': 'top' })).toMatchObject({ error: { desc: 'Node top is in use' } });
    guest(again, 'write 1M 4K');
    again.quit();
    expect(reopen(again).graph.device('vda')?.driveBitmaps.find((d) => d.bitmap.name === 'd0')?.bitmap.count).toBe(K(128));
  });

  it('a crash: loaded ones come back inconsistent and still pinned, a never-stored one is gone; remove deletes the entry at once', () => {
    const m = chain();
    qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'old', persistent: true });
    m.quit();
    const crashed = reopen(m);
    qmp(crashed, 'block-dirty-bitmap-add', { device: 'vda', name: 'new', persistent: true });
    guest(crashed, 'write 0 4K');
    const after = reopen(crashed);
    expect(drives(after)).toEqual([{ name: 'old', count: 0, recording: false, inconsistent: true, persistent: true }]);
    expect(pinned(after)).toEqual(['old@top']);
    expect(qmp(after, 'block-dirty-bitmap-clear', { device: 'vda', name: 'old' })).toMatchObject({ error: { desc: "Bitmap 'old' is inconsistent and cannot be used" } });
    after.quit();
    expect(stored(after, 'top.qcow2')).toEqual(['old:vda:in-use,auto']);
    const last = reopen(after);
    expect(qmp(last, 'block-dirty-bitmap-remove', { device: 'vda', name: 'old' })).toEqual(OK);
    expect([stored(last, 'top.qcow2'), pinned(last)]).toEqual([[], []]);
  });

  it('without the device the entry stays untouched; node bitmaps load as usual; the name stays taken for the node', () => {
    const m = chain();
    qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0', persistent: true });
    qmp(m, 'block-dirty-bitmap-add', { node: 'top', name: 'n0', persistent: true });
    m.quit();
    const bare = reopen(m, { device: false });
    expect(stored(bare, 'top.qcow2')).toEqual(['n0:node:in-use,auto', 'd0:vda:auto']);
    expect(node(bare, 'top').dirtyBitmaps.map((b) => b.name)).toEqual(['n0']);
    bare.quit();
    expect(stored(bare, 'top.qcow2')).toEqual(['n0:node:auto', 'd0:vda:auto']);
    // A later session with the device finds it again.
    expect(drives(reopen(bare))).toMatchObject([{ name: 'd0', recording: true, inconsistent: false }]);
  });

  it('device_del stores at once and drops the reference; device_add loads it back', () => {
    const m = chain();
    qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0', persistent: true, 'storage-node': 'base' });
    guest(m, 'write 0 4K');
    expect(qmp(m, 'device_del', { id: 'vda' })).toEqual(OK);
    expect([stored(m, 'base.qcow2'), pinned(m)]).toEqual([['d0:vda:auto'], []]);
    expect(qmp(m, 'device_add', { driver: 'virtio-blk-pci', id: 'vda', drive: 'top' })).toEqual(OK);
    expect(drives(m)).toEqual([{ name: 'd0', count: K(64), recording: true, inconsistent: false, persistent: true }]);
    expect([stored(m, 'base.qcow2'), pinned(m)]).toEqual([['d0:vda:in-use,auto'], ['d0@base']]);
  });

  it('an unrelated node opened after the device hands it its entries; another device cannot reuse the name there', () => {
    const m = chain();
    expect(createImage(m.images, { filename: 'spare.qcow2', format: 'qcow2', size: size('4M') })).toMatchObject({ ok: true });
    add(m, { driver: 'qcow2', 'node-name': 'spare', file: { driver: 'file', filename: 'spare.qcow2' } });
    qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0', persistent: true, 'storage-node': 'spare' });
    m.quit();
    const late = reopen(m);
    expect(drives(late)).toEqual([]);
    expect(qmp(late, 'device_add', { driver: 'virtio-blk-pci', id: 'vdb', drive: 'mid' })).toEqual(OK);
    add(late, { driver: 'qcow2', 'node-name': 'spare', file: { driver: 'file', filename: 'spare.qcow2' } });
    expect(drives(late)).toMatchObject([{ name: 'd0', recording: true }]);
    expect(pinned(late)).toEqual(['d0@spare']);
    expect(qmp(late, 'block-dirty-bitmap-add', { device: 'vdb', name: 'd0', persistent: true, 'storage-node': 'spare' })).toMatchObject({
      error: { desc: 'Bitmap already exists: d0' },
    });
  });

  it('a transaction remove deletes the entry at prepare; after an abort the next quit stores it again', () => {
    const m = chain();
    qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0', persistent: true });
    m.quit();
    const s2 = reopen(m);
    const aborted = qmp(s2, 'transaction', { actions: [{ type: 'block-dirty-bitmap-remove', data: { device: 'vda', name: 'd0' } }, { type: 'abort', data: {} }] });
    expect(aborted).toMatchObject({ error: { desc: 'Transaction aborted using Abort action' } });
    expect([stored(s2, 'top.qcow2'), pinned(s2)]).toEqual([[], ['d0@top']]);
    s2.quit();
    expect(stored(s2, 'top.qcow2')).toEqual(['d0:vda:auto']);
  });

  it('a read-only storage node: the bitmap loads readonly and the image keeps its flags', () => {
    const m = chain();
    qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0', persistent: true, 'storage-node': 'base' });
    m.quit();
    const ro = new Machine(m.semantics, m.images);
    add(ro, { driver: 'qcow2', 'node-name': 'base', 'read-only': true, file: { driver: 'file', filename: 'base.qcow2' } });
    expect(qmp(ro, 'device_add', { driver: 'virtio-blk-pci', id: 'vda', drive: 'base' })).toEqual(OK);
    expect(ro.graph.device('vda')?.driveBitmaps[0]?.bitmap.readonly).toBe(true);
    expect(stored(ro, 'base.qcow2')).toEqual(['d0:vda:auto']);
    ro.quit();
    expect([stored(ro, 'base.qcow2'), ro.graph.warnings]).toEqual([['d0:vda:auto'], []]);
  });

  it("a persistent node bitmap may not take an unloaded drive entry's name, so the node still stores its bitmaps", () => {
    const m = chain();
    qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0', persistent: true });
    m.quit();
    const bare = reopen(m, { device: false });
    expect(qmp(bare, 'block-dirty-bitmap-add', { node: 'top', name: 'd0', persistent: true })).toEqual({
      error: { class: 'GenericError', desc: "Can't make bitmap 'd0' persistent in 'top': Bitmap 'd0' already exists in the image" },
    });
    // A transient bitmap of that name is never stored, so it may have it.
    expect(qmp(bare, 'block-dirty-bitmap-add', { node: 'top', name: 'd0' })).toEqual(OK);
    expect(qmp(bare, 'block-dirty-bitmap-add', { node: 'top', name: 'n0', persistent: true })).toEqual(OK);
    bare.quit();
    expect([stored(bare, 'top.qcow2'), bare.graph.warnings]).toEqual([['d0:vda:auto', 'n0:node:auto'], []]);
  });
});
