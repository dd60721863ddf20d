import { describe, expect, it } from 'vitest';
import { createImage } from '../image/create.ts';
import type { Qcow2Image } from '../image/image.ts';
import { Simulator } from '../simulator.ts';
import { size } from '../size.ts';

const K64 = size('64K');

function fresh(images?: Simulator['images'], readOnly = false): Simulator {
  const sim = new Simulator(images === undefined ? {} : { images });
  if (images === undefined) createImage(sim.images, { filename: 'a.qcow2', format: 'qcow2', size: size('1M') });
  const r = sim.qmp('blockdev-add', { driver: 'qcow2', 'node-name': 'n', 'read-only': readOnly, file: { driver: 'file', filename: 'a.qcow2' } });
  expect(r).toEqual({ return: {} });
  return sim;
}

const bitmaps = (sim: Simulator) =>
  sim.observe().find((n) => n.nodeName === 'n')?.bitmaps.map((b) => ({ name: b.name, count: b.count, recording: b.recording, inconsistent: b.inconsistent }));
const stored = (sim: Simulator) => sim.storedBitmaps('a.qcow2')?.map((e) => `${e.name}:${e.flags.join(',')}`);
const image = (sim: Simulator) => sim.images.get('a.qcow2') as Qcow2Image;

describe('persistent bitmaps in qcow2 (reference 5.2-5.4)', () => {
  it('add writes nothing; quit stores contents with auto iff enabled, newest first; reopen loads them reversed with in_use set', () => {
    const sim = fresh();
    for (const name of ['p1', 'p2']) sim.qmp('block-dirty-bitmap-add', { node: 'n', name, persistent: true });
    sim.qmp('block-dirty-bitmap-add', { node: 'n', name: 'pdis', persistent: true, disabled: true });
    sim.qmp('block-dirty-bitmap-add', { node: 'n', name: 'temp' });
    expect(sim.io('n', 'write 0 4K')).toEqual({ ok: true });
    expect(stored(sim)).toEqual([]);
    sim.quit();
    expect(stored(sim)).toEqual(['pdis:', 'p2:auto', 'p1:auto']);
    const again = fresh(sim.images);
    expect(bitmaps(again)).toEqual([
      { name: 'p1', count: K64, recording: true, inconsistent: false },
      { name: 'p2', count: K64, recording: true, inconsistent: false },
      { name: 'pdis', count: 0, recording: false, inconsistent: false },
    ]);
    expect(stored(again)).toEqual(['pdis:in-use', 'p2:in-use,auto', 'p1:in-use,auto']);
    // A second clean session rewrites entries in place: the order stays.
    again.quit();
    expect(stored(again)).toEqual(['pdis:', 'p2:auto', 'p1:auto']);
  });

  it('a crash keeps in_use on loaded entries (inconsistent next time) and loses never-stored bitmaps', () => {
    const sim = fresh();
    sim.qmp('block-dirty-bitmap-add', { node: 'n', name: 'old', persistent: true });
    sim.quit();
    const crashed = fresh(sim.images);
    crashed.qmp('block-dirty-bitmap-add', { node: 'n', name: 'new', persistent: true });
    const after = fresh(crashed.images);
    expect(bitmaps(after)).toEqual([{ name: 'old', count: 0, recording: false, inconsistent: true }]);
    expect(after.qmp('block-dirty-bitmap-clear', { node: 'n', name: 'old' })).toEqual({
      error: { class: 'GenericError', desc: "Bitmap 'old' is inconsistent and cannot be used" },
    });
    after.io('n', 'write 0 64K');
    expect(bitmaps(after)?.[0]?.count).toBe(0);
    // Stored again it would be skipped: inconsistent bitmaps are never stored.
    after.quit();
    expect(stored(after)).toEqual(['old:in-use,auto']);
  });

  it('remove deletes the stored entry at once; a transaction abort leaves the bitmap to be stored again', () => {
    const sim = fresh();
    for (const name of ['a', 'b']) sim.qmp('block-dirty-bitmap-add', { node: 'n', name, persistent: true });
    sim.quit();
    const s2 = fresh(sim.images);
    expect(s2.qmp('block-dirty-bitmap-remove', { node: 'n', name: 'a' })).toEqual({ return: {} });
    expect(stored(s2)).toEqual(['b:in-use,auto']);
    const aborted = s2.qmp('transaction', {
      actions: [{ type: 'block-dirty-bitmap-remove', data: { node: 'n', name: 'b' } }, { type: 'abort', data: {} }],
    });
    expect(aborted).toMatchObject({ error: { desc: 'Transaction aborted using Abort action' } });
    expect(stored(s2)).toEqual([]);
    s2.quit();
    expect(stored(s2)).toEqual(['b:auto']);
  });

  it('a read-only node loads readonly bitmaps and leaves in_use alone; clear is refused, enable allowed', () => {
    const sim = fresh();
    sim.qmp('block-dirty-bitmap-add', { node: 'n', name: 'r', persistent: true, disabled: true });
    sim.quit();
    const ro = fresh(sim.images, true);
    expect(stored(ro)).toEqual(['r:']);
    expect(ro.qmp('block-dirty-bitmap-clear', { node: 'n', name: 'r' })).toMatchObject({ error: { desc: "Bitmap 'r' is readonly and cannot be modified" } });
    expect(ro.qmp('block-dirty-bitmap-enable', { node: 'n', name: 'r' })).toEqual({ return: {} });
    ro.quit();
    expect(stored(ro)).toEqual(['r:']);
    expect(ro.machine.graph.warnings).toEqual([]);
  });

  it('a persistent bitmap added on a read-only node is lost at close: no write access', () => {
    const ro = fresh(undefined, true);
    expect(ro.qmp('block-dirty-bitmap-add', { node: 'n', name: 'p', persistent: true })).toEqual({ return: {} });
    ro.quit();
    expect(ro.machine.graph.warnings).toEqual(["Lost persistent bitmaps during inactivation of node 'n': No write access"]);
    expect(stored(ro)).toEqual([]);
  });

  it('blockdev-del stores; offline qemu-io dirties auto bitmaps and stores them on exit', () => {
    const sim = fresh();
    sim.qmp('block-dirty-bitmap-add', { node: 'n', name: 'b', persistent: true });
    expect(sim.qmp('blockdev-del', { 'node-name': 'n' })).toEqual({ return: {} });
    expect(stored(sim)).toEqual(['b:auto']);
    expect(sim.offlineIo('a.qcow2', 'qcow2', ['write 128K 4K', 'write 512K 4K'])).toEqual({ ok: true });
    expect(stored(sim)).toEqual(['b:auto']);
    expect(image(sim).bitmaps.find('b')?.contents.count).toBe(2 * K64);
  });
});
