import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { size } from '../../../src/size.ts';
import type { BackendSession, NodeObservation, Setup } from '../backend.ts';
import { trackedCount } from './cleanup.ts';
import { cleanSha256 } from './observe.ts';
import { qemuBackend } from './index.ts';
import type { QemuSession } from './session.ts';
import { describeWithQemu } from './with-qemu.ts';

const backend = qemuBackend({ timeoutMs: 5000 });

/** One qcow2 node per image, named after it, with no devices. */
function qcow2Nodes(...names: string[]): Setup {
  return {
    images: names.map((n) => ({ filename: `${n}.qcow2`, format: 'qcow2' as const, size: size('8M'), data: [] })),
    blockdevs: names.map((n) => ({ driver: 'qcow2', 'node-name': n, file: { driver: 'file', filename: `${n}.qcow2` } })),
    devices: [],
    semantics: 'qemu-7.2',
  };
}

function bitmap(nodes: readonly NodeObservation[], node: string, name: string) {
  return nodes.find((n) => n.nodeName === node)?.bitmaps.find((b) => b.name === name);
}

describeWithQemu('QEMU session without devices', () => {
  let s: BackendSession;
  beforeAll(async () => {
    s = await backend.open(qcow2Nodes('n0', 'n1', 'p0'));
  });
  afterAll(() => s.close());

  it('reproduces the worked sha256 example (reference 1.7)', async () => {
    expect(await s.qmp('block-dirty-bitmap-add', { node: 'n0', name: 'b0', granularity: 65536 })).toEqual({ return: {} });
    for (const line of ['write 0 4096', 'write 196708 1', 'write 5242880 307200']) expect(await s.io('n0', line)).toEqual({ ok: true });
    const b0 = bitmap(await s.observe(), 'n0', 'b0');
    expect(b0).toEqual({
      name: 'b0',
      granularity: 65536,
      count: 458752,
      recording: true,
      busy: false,
      persistent: false,
      inconsistent: false,
      sha256: 'a171d0d51ba703ce91fb8e48af7f0b8df3f89ae3b96612d45419628894150d36',
      extents: [
        { offset: 0, length: 65536 },
        { offset: 196608, length: 65536 },
        { offset: 5242880, length: 327680 },
      ],
      size: 8388608,
    });
  });

  it('reads back the NBD example (reference 6.2) and leaves the bitmap as it was', async () => {
    await s.qmp('block-dirty-bitmap-add', { node: 'n1', name: 'lb', granularity: 4096 });
    await s.io('n1', 'write 100 1');
    await s.io('n1', 'write 1M 1M');
    const nodes = await s.observe();
    expect(bitmap(nodes, 'n1', 'lb')?.extents).toEqual([
      { offset: 0, length: 4096 },
      { offset: 1048576, length: 1048576 },
    ]);
    // The scratch node is gone and lb is neither busy nor stopped by the read-back.
    expect(nodes.map((n) => n.nodeName)).toEqual(['p0', '#implicit3', 'n1', '#implicit2', 'n0', '#implicit1']);
    expect(bitmap(await s.observe(), 'n1', 'lb')).toMatchObject({ busy: false, recording: true, count: 4096 + 1048576 });
    // Disabled bitmaps are read back the same way.
    await s.qmp('block-dirty-bitmap-disable', { node: 'n1', name: 'lb' });
    expect(bitmap(await s.observe(), 'n1', 'lb')).toMatchObject({ recording: false, extents: [{ offset: 0, length: 4096 }, { offset: 1048576, length: 1048576 }] });
  });

  it('returns QMP errors as values', async () => {
    expect(await s.qmp('block-dirty-bitmap-add', { node: 'nope', name: 'x' })).toEqual({
      error: { class: 'GenericError', desc: "Cannot find device='nope' nor node-name='nope'" },
    });
    expect(await s.qmp('block-dirty-bitmap-clear', { node: 'n0', name: 'nope' })).toEqual({
      error: { class: 'GenericError', desc: "Dirty bitmap 'nope' not found" },
    });
  });

  it('reports qemu-io failures as printed, and still dirties on a failed write (reference 2.1)', async () => {
    await s.qmp('block-dirty-bitmap-add', { node: 'n0', name: 'c0' });
    expect(await s.io('n0', 'write -P 0x11 1M 64K')).toEqual({ ok: true });
    expect(await s.io('n0', 'read -P 0x22 1M 4K')).toEqual({
      ok: false,
      message: 'Pattern verification failed at offset 1048576, 4096 bytes',
      holds: [{ offset: 1048576, length: 4096, byte: 0x11 }],
    });
    expect(await s.io('n0', 'read -P 0x22 1M 2M')).toMatchObject({ ok: false, holds: 'too-large' });
    expect(await s.io('n0', 'write -c 1M 64K')).toEqual({ ok: false, message: 'write failed: Input/output error' });
    expect(await s.io('nope', 'write 0 4K')).toEqual({ ok: false, message: "Error: Cannot find device='' nor node-name='nope'" });
    expect(await s.io('n0', 'read -P 0x11 1M 64K')).toEqual({ ok: true });
    expect(bitmap(await s.observe(), 'n0', 'c0')?.count).toBe(65536);
  });

  it('observes a busy bitmap and the anonymous successor of a backup held in pending (reference 4.6)', async () => {
    await s.qmp('blockdev-add', { driver: 'null-co', 'node-name': 'tgt', size: 8388608 });
    await s.qmp('block-dirty-bitmap-add', { node: 'n1', name: 'sb', granularity: 65536 });
    await s.io('n1', 'write 0 64K');
    const started = await s.qmp('blockdev-backup', { 'job-id': 'bk', device: 'n1', target: 'tgt', sync: 'bitmap', bitmap: 'sb', 'bitmap-mode': 'on-success', 'auto-finalize': false });
    expect(started).toEqual({ return: {} });
    for (let i = 0; i < 100; i++) {
      const jobs = (await s.qmp('query-jobs')) as { return: { status: string }[] };
      if (jobs.return[0]?.status === 'pending') break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const n1 = (await s.observe()).find((n) => n.nodeName === 'n1');
    const sb = n1?.bitmaps.find((b) => b.name === 'sb');
    // Busy: count, flags and sha256 only; the successor is anonymous and clean, so known exactly.
    expect(sb).toMatchObject({ busy: true, recording: true, count: 65536 });
    expect(sb).not.toHaveProperty('extents');
    const anonymous = n1?.bitmaps.filter((b) => b.name === undefined);
    expect(anonymous?.some((b) => b.count === 0 && b.recording && b.sha256 === cleanSha256(8388608, 65536) && Array.isArray(b.extents))).toBe(true);
    expect(await s.qmp('job-finalize', { id: 'bk' })).toEqual({ return: {} });
    expect(bitmap(await s.observe(), 'n1', 'sb')).toMatchObject({ busy: false, count: 0, extents: [] });
  });

  it('keeps a persistent bitmap over restart, and a crash makes it inconsistent (reference 5.2, 5.3)', async () => {
    await s.qmp('block-dirty-bitmap-add', { node: 'p0', name: 'pb', persistent: true, granularity: 65536 });
    await s.io('p0', 'write 64K 64K');
    await s.restart();
    const after = await s.observe();
    expect(bitmap(after, 'p0', 'pb')).toMatchObject({ persistent: true, recording: true, count: 65536, extents: [{ offset: 65536, length: 65536 }] });
    expect(bitmap(after, 'n0', 'b0')).toBeUndefined(); // transient bitmaps do not survive
    await s.crash();
    expect(bitmap(await s.observe(), 'p0', 'pb')).toEqual({
      name: 'pb',
      granularity: 65536,
      count: 0,
      recording: false,
      busy: false,
      persistent: true,
      inconsistent: true,
      sha256: '374708fff7719dd5979ec875d56cd2286f6d3cf7ec317a3b25632aab28ec37bb',
      size: 8388608,
    });
  });
});

describeWithQemu('QEMU session with a device on a qcow2 chain (-M pc)', () => {
  let s: BackendSession;
  beforeAll(async () => {
    s = await backend.open({
      images: [
        { filename: 'base.qcow2', format: 'qcow2', size: size('1M'), data: ['write -P 0xaa 0 128K'] },
        { filename: 'top.qcow2', format: 'qcow2', size: size('1M'), backing: { filename: 'base.qcow2', format: 'qcow2' }, data: [] },
      ],
      blockdevs: [
        { driver: 'qcow2', 'node-name': 'base', file: { driver: 'file', filename: 'base.qcow2' } },
        { driver: 'qcow2', 'node-name': 'top', backing: 'base', file: { driver: 'file', filename: 'top.qcow2' } },
      ],
      devices: [{ id: 'vda', drive: 'top' }],
      semantics: 'qemu-7.2',
    });
  });
  afterAll(() => s.close());

  it('writes through the device and reads the backing data', async () => {
    await s.qmp('block-dirty-bitmap-add', { node: 'top', name: 'b0', granularity: 65536 });
    expect(await s.io('vda', 'write -P 0x11 200K 4K')).toEqual({ ok: true });
    expect(await s.io('vda', 'read -P 0xaa 0 128K')).toEqual({ ok: true });
    expect(await s.io('vda', 'read -P 0x11 200K 4K')).toEqual({ ok: true });
    const nodes = await s.observe();
    expect(bitmap(nodes, 'top', 'b0')?.extents).toEqual([{ offset: 196608, length: 65536 }]);
    expect(nodes.map((n) => [n.nodeName, n.driver])).toEqual([
      ['top', 'qcow2'],
      ['#implicit2', 'file'],
      ['base', 'qcow2'],
      ['#implicit1', 'file'],
    ]);
  });

  it('reports the permission conflict of a node write under a device', async () => {
    const reply = await s.io('top', 'write 0 4K');
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.message).toMatch(/^Permission conflict on node 'top'/);
  });

  it('queues job events without timestamps, and only scenario events', async () => {
    await s.takeEvents();
    expect(await s.qmp('block-stream', { 'job-id': 's0', device: 'top' })).toEqual({ return: {} });
    let events: string[] = [];
    for (let i = 0; i < 100 && !events.includes('null'); i++) {
      await new Promise((r) => setTimeout(r, 10));
      events = [...events, ...(await s.takeEvents()).map((e) => (e.event === 'JOB_STATUS_CHANGE' ? String(e.data['status']) : e.event))];
    }
    expect(events).toEqual(['created', 'running', 'waiting', 'pending', 'BLOCK_JOB_COMPLETED', 'concluded', 'null']);
    // The stream copied through copy-on-read, which does not dirty top (reference 2.4).
    expect(bitmap(await s.observe(), 'top', 'b0')?.count).toBe(65536);
    expect(await s.takeEvents()).toEqual([]);
  });
});

describeWithQemu('QEMU session with SCSI devices added by steps', () => {
  let s: BackendSession;
  beforeAll(async () => {
    s = await backend.open(qcow2Nodes('n0', 'n1'));
  });
  afterAll(() => s.close());

  it('adds the controller before the first SCSI device and writes through it by qdev id', async () => {
    expect(await s.qmp('device_add', { driver: 'scsi-hd', id: 'sd0', drive: 'n0', removable: true })).toEqual({ return: {} });
    expect(await s.qmp('device_add', { driver: 'scsi-hd', id: 'sd1', drive: 'n1' })).toEqual({ return: {} });
    await s.qmp('block-dirty-bitmap-add', { node: 'n0', name: 'b0', granularity: 65536 });
    expect(await s.io('sd0', 'write 64K 4K')).toEqual({ ok: true });
    expect(await s.qmp('blockdev-open-tray', { id: 'sd0' })).toEqual({ return: {} });
    expect(await s.io('sd0', 'write 0 4K')).toEqual({ ok: false, message: 'write failed: No medium found' });
    expect(bitmap(await s.observe(), 'n0', 'b0')?.extents).toEqual([{ offset: 65536, length: 65536 }]);
  });

  it('has a new QEMU add the controller again after a restart', async () => {
    await s.restart();
    expect(await s.qmp('device_add', { driver: 'scsi-cd', id: 'cd0' })).toEqual({ return: {} });
  });
});

describeWithQemu('QEMU session cleanup', () => {
  it('leaves no process, directory or signal handler after close, and close is idempotent', async () => {
    const s = (await backend.open(qcow2Nodes('n0'))) as QemuSession;
    const { directory, pid } = s;
    expect(existsSync(directory)).toBe(true);
    await s.crash();
    const second = s.pid;
    expect(second).not.toBe(pid);
    await Promise.all([s.close(), s.close()]);
    await s.close();
    expect(existsSync(directory)).toBe(false);
    for (const p of [pid, second]) expect(() => process.kill(p!, 0)).toThrow();
    expect(trackedCount()).toBe(0);
  });

  it('cleans up when setup fails, with QEMU’s message', async () => {
    const before = trackedCount();
    const setup: Setup = { ...qcow2Nodes('n0'), blockdevs: [{ driver: 'qcow2', 'node-name': 'n0', file: { driver: 'file', filename: 'missing.qcow2' } }] };
    await expect(backend.open(setup)).rejects.toThrow(/setup failed: blockdev-add .*missing\.qcow2.*No such file or directory/);
    expect(trackedCount()).toBe(before);
  });
});
