import { describe, expect, it } from 'vitest';
import { bitmaps } from '../io/test-support.ts';
import { qemuIo } from '../io/qemu-io.ts';
import { advanceJob } from '../jobs/advance.ts';
import { chain, guest, node, qmp } from '../jobs/test-chain.ts';
import type { Machine } from '../machine.ts';
import { observeDriveBitmaps } from './observe.ts';

const K = (n: number) => n * 1024;
const M = (n: number) => n * 1024 * 1024;
const gen = (desc: string) => ({ error: { class: 'GenericError', desc } });

function drive(m: Machine, name: string, qdevId = 'vda') {
  const bitmap = observeDriveBitmaps(m.graph).find((d) => d.qdevId === qdevId)?.bitmaps.find((b) => b.name === name);
  if (bitmap === undefined) throw new Error(`no drive bitmap ${qdevId}/${name}`);
  return bitmap;
}

const addD0 = (m: Machine, extra: Record<string, unknown> = {}) =>
  expect(qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0', ...extra })).toEqual({ return: {} });

describe('drive bitmaps: addressing', () => {
  it('device: puts the bitmap on the backend, as long as the device, granularity from the root', () => {
    const m = chain();
    addD0(m);
    expect(drive(m, 'd0')).toMatchObject({ size: M(4), granularity: K(64), count: 0, recording: true, persistent: false });
    expect(node(m, 'top').dirtyBitmaps).toEqual([]);
  });

  it.each([
    [{ name: 'd0' }, gen("Parameter 'node' is missing")],
    [{ node: 'top', device: 'vda', name: 'd0' }, gen("Need exactly one of 'node' and 'device'")],
    [{ device: 'vdz', name: 'd0' }, { error: { class: 'DeviceNotFound', desc: "Device 'vdz' not found" } }],
    // A node name is not a device, and a qdev id is still not a node (reference 2.5).
    [{ device: 'top', name: 'd0' }, { error: { class: 'DeviceNotFound', desc: "Device 'top' not found" } }],
    [{ node: 'vda', name: 'd0' }, gen("Cannot find device='vda' nor node-name='vda'")],
    [{ device: 'vda', name: '' }, gen('Bitmap name cannot be empty')],
    [{ device: 'vda', name: 'd0', granularity: 100 }, gen('Granularity must be power of 2 and at least 512')],
    [{ node: 'top', name: 'd0', 'storage-node': 'base' }, gen("'storage-node' is only valid with 'device'")],
    [{ device: 'vda', name: 'd0', 'storage-node': 'base' }, gen("'storage-node' requires 'persistent': true")],
  ])('add %j is refused', (args, reply) => {
    expect(qmp(chain(), 'block-dirty-bitmap-add', args)).toEqual(reply);
  });

  it('names are per owner: a drive bitmap and a node bitmap may share a name; a second d0 on vda may not', () => {
    const m = chain();
    addD0(m);
    expect(qmp(m, 'block-dirty-bitmap-add', { node: 'top', name: 'd0' })).toEqual({ return: {} });
    expect(qmp(m, 'block-dirty-bitmap-add', { device: 'vda', name: 'd0' })).toEqual(gen('Bitmap already exists: d0'));
    expect(qmp(m, 'block-dirty-bitmap-clear', { device: 'vda', name: 'nope' })).toEqual(gen("Dirty bitmap 'nope' not found"));
  });
});

describe('drive bitmaps: what dirties them', () => {
  it('guest writes through the device, rounded to granules, in the device offsets', () => {
    const m = chain();
    addD0(m, { granularity: K(64) });
    guest(m, 'write -P 0x11 200K 4K');
    guest(m, 'write -z 1M 1');
    expect(drive(m, 'd0').extents).toEqual([{ offset: K(192), length: K(64) }, { offset: M(1), length: K(64) }]);
  });

  it('qemu-io on a node below the device does not: it does not pass the backend', () => {
    const m = chain();
    addD0(m);
    expect(qemuIo(m, node(m, 'top'), 'write 0 64K')).toEqual({ ok: true });
    expect(drive(m, 'd0').count).toBe(0);
  });

  it('a write refused by the backend (past the end) records nothing', () => {
    const m = chain();
    addD0(m);
    expect(qemuIo(m, m.graph.device('vda') ?? node(m, 'top'), 'write 4M 64K')).toEqual({ ok: false, message: 'write failed: Input/output error' });
    expect(drive(m, 'd0').count).toBe(0);
  });

  it('disabled and re-enabled like a node bitmap; clear empties it', () => {
    const m = chain();
    addD0(m);
    expect(qmp(m, 'block-dirty-bitmap-disable', { device: 'vda', name: 'd0' })).toEqual({ return: {} });
    guest(m, 'write 0 4K');
    expect(drive(m, 'd0')).toMatchObject({ count: 0, recording: false });
    expect(qmp(m, 'block-dirty-bitmap-enable', { device: 'vda', name: 'd0' })).toEqual({ return: {} });
    guest(m, 'write 0 4K');
    expect(drive(m, 'd0').count).toBe(K(64));
    expect(qmp(m, 'x-debug-block-dirty-bitmap-sha256', { device: 'vda', name: 'd0' })).toEqual({ return: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(qmp(m, 'block-dirty-bitmap-clear', { device: 'vda', name: 'd0' })).toEqual({ return: {} });
    expect(drive(m, 'd0').count).toBe(0);
  });

  it.each(['qemu-7.2', 'write-unchanged-clean'] as const)('%s: stream copies nothing into it; guest writes during the job count', (semantics) => {
    const m = chain(semantics);
    addD0(m);
    qmp(m, 'block-stream', { 'job-id': 's', device: 'top' });
    guest(m, 'write -P 0x11 3M 4K');
    advanceJob(m, 's', 'settle');
    expect(drive(m, 'd0').extents).toEqual([{ offset: M(3), length: K(64) }]);
  });

  it.each(['qemu-7.2', 'write-unchanged-clean'] as const)('%s: intermediate commit writes base through its own backend: drive clean, base dirty', (semantics) => {
    const m = chain(semantics);
    addD0(m);
    const b = bitmaps(m, 'base');
    expect(qmp(m, 'block-commit', { 'job-id': 'c', device: 'top', 'top-node': 'mid', 'base-node': 'base' })).toEqual({ return: {} });
    advanceJob(m, 'c', 'settle');
    expect(drive(m, 'd0').count).toBe(0);
    expect(b['base']?.count).toBe(K(512));
  });

  it.each([
    ['qemu-7.2', M(4)],
    ['write-unchanged-clean', 0],
  ] as const)('%s: copy-on-read -> throttle -> top: the node below the filter gets %i, the drive bitmap none', (semantics, topCount) => {
    const m = chain(semantics);
    qmp(m, 'object-add', { 'qom-type': 'throttle-group', id: 'tg' });
    const added = [
      qmp(m, 'blockdev-add', { driver: 'throttle', 'node-name': 'thr', 'throttle-group': 'tg', file: 'top' }),
      qmp(m, 'blockdev-add', { driver: 'copy-on-read', 'node-name': 'cor', file: 'thr' }),
    ];
    expect(added).toEqual([{ return: {} }, { return: {} }]);
    m.graph.detachBackend(m.graph.device('vda') ?? m.graph.backends()[0]!);
    m.graph.attachBackend({ kind: 'device', qdevId: 'vda', driver: 'virtio-blk-pci' }, node(m, 'cor'));
    addD0(m);
    const b = bitmaps(m, 'top');
    guest(m, 'read 0 4M');
    expect(b['top']?.count).toBe(topCount);
    expect(drive(m, 'd0').count).toBe(0);
  });
});

describe('drive bitmaps: length follows the device', () => {
  it('block_resize of the root: shrinking drops the bits past the end, growing adds clean ones', () => {
    const m = chain();
    addD0(m, { granularity: K(64) });
    guest(m, 'write 0 4K');
    guest(m, 'write 3M 4K');
    expect(qmp(m, 'block_resize', { 'node-name': 'top', size: M(2) })).toEqual({ return: {} });
    guest(m, 'write 64K 4K');
    expect(drive(m, 'd0')).toMatchObject({ size: M(2), extents: [{ offset: 0, length: K(128) }] });
    expect(qmp(m, 'block_resize', { 'node-name': 'top', size: M(8) })).toEqual({ return: {} });
    guest(m, 'write 7M 4K');
    expect(drive(m, 'd0')).toMatchObject({ size: M(8), extents: [{ offset: 0, length: K(128) }, { offset: M(7), length: K(64) }] });
  });
});
