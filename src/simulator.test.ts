import { describe, expect, it } from 'vitest';
import { createImage } from './image/create.ts';
import { size } from './size.ts';
import { Simulator } from './simulator.ts';

function withImage(sim: Simulator) {
  expect(createImage(sim.images, { filename: 'a.qcow2', format: 'qcow2', size: size('8M') }).ok).toBe(true);
  expect(sim.qmp('blockdev-add', { driver: 'qcow2', 'node-name': 'n0', file: { driver: 'file', filename: 'a.qcow2' } })).toEqual({ return: {} });
}

describe('Simulator', () => {
  it('runs the reference 1.7 worked example end to end: add, qemu-io writes, sha256 and observation', () => {
    const sim = new Simulator();
    withImage(sim);
    expect(sim.qmp('block-dirty-bitmap-add', { node: 'n0', name: 'b0', granularity: 65536 })).toEqual({ return: {} });
    const file = sim.machine.graph.node('n0')?.child('file')?.nodeName ?? '';
    expect(sim.qmp('block-dirty-bitmap-add', { node: file, name: 'proto' })).toEqual({ return: {} });
    for (const line of ['write 0 4096', 'write 196708 1', 'write 5242880 307200']) expect(sim.io('n0', line)).toEqual({ ok: true });
    expect(sim.qmp('x-debug-block-dirty-bitmap-sha256', { node: 'n0', name: 'b0' })).toEqual({
      return: { sha256: 'a171d0d51ba703ce91fb8e48af7f0b8df3f89ae3b96612d45419628894150d36' },
    });
    const n0 = sim.observe().find((n) => n.nodeName === 'n0');
    expect(n0?.bitmaps[0]?.count).toBe(458752);
    // qcow2 writes host clusters into its file child: the simulator says it does not know where.
    const proto = sim.observe().find((n) => n.nodeName === file)?.bitmaps[0];
    expect(proto?.extents).toEqual({ unmodelled: expect.any(String) });
  });

  it('writes through a guest device, which query-block lists with the root node bitmaps', () => {
    const sim = new Simulator();
    withImage(sim);
    expect(sim.qmp('device_add', { driver: 'virtio-blk-pci', id: 'vd0', drive: 'n0' })).toEqual({ return: {} });
    // qdev ids are not BlockBackend names for bitmap commands (reference 2.5)
    expect(sim.qmp('block-dirty-bitmap-add', { node: 'vd0', name: 'b0' })).toEqual({
      error: { class: 'GenericError', desc: "Cannot find device='vd0' nor node-name='vd0'" },
    });
    sim.qmp('block-dirty-bitmap-add', { node: 'n0', name: 'b0' });
    expect(sim.io('vd0', 'write -P 0x11 200K 4K')).toEqual({ ok: true });
    expect(sim.qmp('query-block')).toEqual({
      return: [expect.objectContaining({
        qdev: '/machine/peripheral/vd0/virtio-backend',
        inserted: expect.objectContaining({ 'node-name': 'n0', 'dirty-bitmaps': [expect.objectContaining({ name: 'b0', count: 65536 })] }),
      })],
    });
  });

  it('answers unknown commands and io targets as QEMU does', () => {
    const sim = new Simulator();
    expect(sim.qmp('nope')).toEqual({ error: { class: 'CommandNotFound', desc: 'The command nope has not been found' } });
    expect(sim.io('nope', 'write 0 4k')).toEqual({ ok: false, message: "Cannot find device='' nor node-name='nope'" });
  });

  it('runs transactions through the combined table', () => {
    const sim = new Simulator();
    withImage(sim);
    const reply = sim.qmp('transaction', {
      actions: [
        { type: 'block-dirty-bitmap-add', data: { node: 'n0', name: 'b0' } },
        { type: 'abort', data: {} },
      ],
    });
    expect(reply).toEqual({ error: { class: 'GenericError', desc: 'Transaction aborted using Abort action' } });
    expect(sim.qmp('query-named-block-nodes')).toEqual({ return: [expect.objectContaining({ 'node-name': 'n0' }), expect.anything()] });
    expect(sim.observe().flatMap((n) => n.bitmaps)).toEqual([]);
  });

  it('hands out events once and keeps images across simulators', () => {
    const sim = new Simulator({ semantics: 'write-unchanged-clean' });
    sim.machine.emit('JOB_STATUS_CHANGE', { id: 'j', status: 'created' });
    expect(sim.takeEvents()).toEqual([{ event: 'JOB_STATUS_CHANGE', data: { id: 'j', status: 'created' } }]);
    expect(sim.takeEvents()).toEqual([]);
    withImage(sim);
    const next = new Simulator({ images: sim.images });
    expect(next.images.get('a.qcow2')?.size).toBe(size('8M'));
  });

  it('runs qemu-io offline on a closed image', () => {
    const sim = new Simulator();
    expect(createImage(sim.images, { filename: 'b.qcow2', format: 'qcow2', size: size('1M') }).ok).toBe(true);
    expect(sim.offlineIo('b.qcow2', 'qcow2', 'write -P 0xaa 0 64K')).toEqual({ ok: true });
    expect(sim.offlineIo('b.qcow2', 'qcow2', 'read -P 0xaa 0 64K')).toEqual({ ok: true });
    expect(sim.offlineIo('b.qcow2', 'qcow2', 'read -P 0xbb 0 64K')).toMatchObject({ ok: false });
  });

  it('fills a closed image offline through the request path; reads resolve its backing file', () => {
    const sim = new Simulator();
    createImage(sim.images, { filename: 'b.qcow2', format: 'qcow2', size: size('1M') });
    createImage(sim.images, { filename: 't.qcow2', format: 'qcow2', backingFile: 'b.qcow2', backingFormat: 'qcow2' });
    expect(sim.offlineIo('b.qcow2', 'qcow2', 'write -P 0xaa 0 1M')).toEqual({ ok: true });
    expect(sim.offlineIo('t.qcow2', 'qcow2', 'write -P 0x11 0 4K')).toEqual({ ok: true });
    expect(sim.offlineIo('t.qcow2', 'qcow2', 'read -P 0xaa 4K 1020K')).toEqual({ ok: true });
    expect(sim.offlineIo('t.qcow2', 'qcow2', 'write 1M 4K')).toEqual({ ok: false, message: 'write failed: Input/output error' });
    expect(sim.offlineIo('nope', 'qcow2', 'read 0 1')).toEqual({ ok: false, message: "can't open device nope: Could not open 'nope': No such file or directory" });
  });

  const qcow2 = (extra: Record<string, unknown> = {}) => ['blockdev-add', { driver: 'qcow2', 'node-name': 'n0', ...extra, file: { driver: 'file', filename: 'a.qcow2' } }] as const;
  const raw = ['blockdev-add', { driver: 'raw', 'node-name': 'r0', file: { driver: 'file', filename: 'a.qcow2' } }] as const;
  const bareFile = ['blockdev-add', { driver: 'file', 'node-name': 'f0', filename: 'a.qcow2' }] as const;
  const device = ['device_add', { driver: 'virtio-blk-pci', id: 'vd0', drive: 'r0' }] as const;
  const LOCKED = { ok: false, message: `can't open device a.qcow2: Failed to get "write" lock\nIs another process using the image [a.qcow2]?` };
  it.each([
    ['a qcow2 node', [qcow2()], LOCKED],
    ['a read-only qcow2 node', [qcow2({ 'read-only': true })], LOCKED],
    ['a bare file node', [bareFile], { ok: true }],
    ['a raw node without a device', [raw], { ok: true }],
    ['a raw node under a device', [raw, device], LOCKED],
  ] as const)('qemu-io offline next to %s: image locks decide (probed on 7.2.22)', (_, commands, expected) => {
    const sim = new Simulator();
    createImage(sim.images, { filename: 'a.qcow2', format: 'qcow2', size: size('1M') });
    for (const [command, args] of commands) expect(sim.qmp(command, args)).toEqual({ return: {} });
    expect(sim.offlineIo('a.qcow2', 'qcow2', 'write 0 4K')).toEqual(expected);
  });
});
