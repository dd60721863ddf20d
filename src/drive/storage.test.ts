import { describe, expect, it } from 'vitest';
import { advanceJob } from '../jobs/advance.ts';
import { chain, node, qmp } from '../jobs/test-chain.ts';
import type { Machine } from '../machine.ts';
import { createImage } from '../image/create.ts';
import type { Qcow2Image } from '../image/image.ts';

const gen = (desc: string) => ({ error: { class: 'GenericError', desc } });
const OK = { return: {} };
const storage = (m: Machine) => m.graph.backends().filter((b) => b.owner.kind === 'reference').map((b) => b.root?.nodeName);

describe('persistent drive bitmaps: the storage node and its reference', () => {
  it('defaults to the device image at add time, skipping filters', () => {
    const m = chain();
    qmp(m, 'block-stream', { 'job-id': 's', device: 'top' });
    expect(m.graph.device('vda')?.root?.driver.name).toBe('copy-on-read');
    expect(qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0', persistent: true })).toEqual(OK);
    expect(storage(m)).toEqual(['top']);
  });

  it('refuses a node that cannot store bitmaps, and a name the node already stores', () => {
    const m = chain();
    expect(qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0', persistent: true, 'storage-node': 'top-file' })).toEqual(
      gen("Can't store persistent bitmaps to top-file: Operation not supported"),
    );
    expect(qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0', persistent: true, 'storage-node': 'nope' })).toEqual(gen("Node 'nope' not found"));
    expect(qmp(m, 'block-dirty-bitmap-add', { node: 'base', name: 'd0', persistent: true })).toEqual(OK);
    expect(qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0', persistent: true, 'storage-node': 'base' })).toEqual(gen('Bitmap already exists: d0'));
    expect(storage(m)).toEqual([]);
  });

  it('pins the node: blockdev-del fails while the bitmap lives, works after remove', () => {
    const m = chain();
    qmp(m, 'blockdev-add', { driver: 'null-co', 'node-name': 'spare', size: 1 << 20 });
    expect(qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0', persistent: true, 'storage-node': 'base' })).toEqual(OK);
    expect(node(m, 'base').dirtyBitmaps).toEqual([]);
    expect(qmp(m, 'blockdev-del', { 'node-name': 'base' })).toMatchObject({ error: { class: 'GenericError' } });
    expect(qmp(m, 'block-dirty-bitmap-remove', { device: 'vda', name: 'd0' })).toEqual(OK);
    expect(storage(m)).toEqual([]);
  });

  it('an intermediate commit that unlinks the storage node leaves it alive, detached, still pinned', () => {
    const m = chain();
    expect(qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0', persistent: true, 'storage-node': 'mid' })).toEqual(OK);
    expect(qmp(m, 'block-commit', { 'job-id': 'c', device: 'top', 'top-node': 'mid', 'base-node': 'base' })).toEqual(OK);
    advanceJob(m, 'c', 'settle');
    expect(node(m, 'top').child('backing')?.nodeName).toBe('base');
    expect(storage(m)).toEqual(['mid']);
    expect(qmp(m, 'blockdev-del', { 'node-name': 'mid' })).toEqual(gen('Node mid is in use'));
  });

  it('the reference stays at its node when a snapshot moves every other parent', () => {
    const m = chain();
    qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0', persistent: true });
    expect(qmp(m, 'blockdev-snapshot-sync', { 'node-name': 'top', 'snapshot-file': 'snap.qcow2', 'snapshot-node-name': 'snap' })).toEqual(OK);
    expect([m.graph.device('vda')?.root?.nodeName, ...storage(m)]).toEqual(['snap', 'top']);
  });

  it('removing the bitmap closes an implicit storage node only its reference kept alive; the node stores its own bitmaps then', () => {
    const m = chain();
    for (const filename of ['cd1.qcow2', 'cd2.qcow2']) createImage(m.images, { filename, format: 'qcow2', size: 1 << 20 });
    expect(qmp(m, 'device_add', { driver: 'scsi-hd', id: 'sd0', drive: 'base', removable: true })).toEqual(OK);
    expect(qmp(m, 'blockdev-change-medium', { id: 'sd0', filename: 'cd1.qcow2' })).toEqual(OK);
    const medium = m.graph.device('sd0')?.root?.nodeName ?? '';
    expect(qmp(m, 'block-dirty-bitmap-add', { device: 'sd0', name: 'd0', persistent: true })).toEqual(OK);
    expect(qmp(m, 'block-dirty-bitmap-add', { node: medium, name: 'n0', persistent: true })).toEqual(OK);
    expect(qmp(m, 'blockdev-change-medium', { id: 'sd0', filename: 'cd2.qcow2' })).toEqual(OK);
    expect([m.graph.node(medium)?.nodeName, ...storage(m)]).toEqual([medium, medium]);
    expect(qmp(m, 'block-dirty-bitmap-remove', { device: 'sd0', name: 'd0' })).toEqual(OK);
    expect(m.graph.node(medium)).toBeUndefined();
    expect((m.images.get('cd1.qcow2') as Qcow2Image).bitmaps.entries().map((e) => [e.name, e.owner.kind])).toEqual([['n0', 'node']]);
  });
});
