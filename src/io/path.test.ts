import { describe, expect, it } from 'vitest';
import { BdrvDirtyBitmap } from '../bitmaps/dirty-bitmap.ts';
import type { Machine, Semantics } from '../machine.ts';
import { size } from '../size.ts';
import { genericPath } from './path.ts';
import { qemuIo } from './qemu-io.ts';
import { flags } from './request.ts';
import { add, bitmaps, io, machineWith } from './test-support.ts';

const UNMODELLED = 'qcow2 host-cluster allocation is not modelled';

/** throttle -> top (qcow2) -> top-file, top's backing mid <- base, all 4M. */
function threeLayers(semantics: Semantics): Machine {
  const m = machineWith(semantics, [
    { filename: 'base.qcow2', format: 'qcow2', size: size('4M') },
    { filename: 'mid.qcow2', format: 'qcow2', size: size('2M'), backingFile: 'base.qcow2', backingFormat: 'qcow2' },
    { filename: 'top.qcow2', format: 'qcow2', size: size('4M'), backingFile: 'mid.qcow2', backingFormat: 'qcow2' },
  ]);
  add(m, { driver: 'qcow2', 'node-name': 'base', file: { driver: 'file', filename: 'base.qcow2' } });
  add(m, { driver: 'qcow2', 'node-name': 'mid', file: { driver: 'file', filename: 'mid.qcow2' }, backing: 'base' });
  add(m, { driver: 'qcow2', 'node-name': 'top', file: { driver: 'file', filename: 'top.qcow2', 'node-name': 'top-file' }, backing: 'mid' });
  add(m, { driver: 'throttle', 'node-name': 'thr', 'throttle-group': 'tg', file: 'top' });
  return m;
}

describe('which node a request dirties (reference 2.3)', () => {
  it('a guest write dirties every node it passes, never the backing chain', () => {
    const m = threeLayers('qemu-7.2');
    const b = bitmaps(m, 'thr', 'top', 'mid', 'base', 'top-file');
    io(m, 'thr', 'write -P 0x11 100K 4K');
    expect([b.thr?.count, b.top?.count, b.mid?.count, b.base?.count]).toEqual([65536, 65536, 0, 0]);
    expect(b['top-file']?.unmodelled).toBe(UNMODELLED);
  });

  it('a write issued at a lower node leaves the filter above clean', () => {
    const m = threeLayers('qemu-7.2');
    const b = bitmaps(m, 'thr', 'top');
    io(m, 'top', 'write 0 64K');
    expect([b.thr?.count, b.top?.count]).toEqual([0, 65536]);
  });

  it('a WRITE_UNCHANGED write through a filter dirties under qemu-7.2 only', () => {
    for (const [semantics, expected] of [['qemu-7.2', 65536], ['write-unchanged-clean', 0]] as const) {
      const m = threeLayers(semantics);
      const b = bitmaps(m, 'thr', 'top');
      const r = genericPath(m.semantics).modify(m.graph.node('thr')!, {
        kind: 'write', offset: 0, bytes: 4096, flags: flags('BDRV_REQ_WRITE_UNCHANGED'), data: [{ start: 0, end: 4096, byte: 0 }],
      });
      expect(r.ok).toBe(true);
      expect([b.thr?.count, b.top?.count]).toEqual([expected, expected]);
    }
  });

  it('zero writes dirty like writes', () => {
    const m = threeLayers('qemu-7.2');
    const b = bitmaps(m, 'thr', 'top');
    io(m, 'thr', 'write -z -u 128K 64K');
    expect([b.thr?.count, b.top?.count]).toEqual([65536, 65536]);
  });
});

describe('reads through backing chains', () => {
  it('resolve unallocated ranges downward; past a shorter backing file they read zeroes', () => {
    const m = threeLayers('qemu-7.2');
    io(m, 'base', 'write -P 0xaa 0 4M');
    io(m, 'mid', 'write -P 0xbb 1M 64K');
    io(m, 'top', 'write -P 0xcc 0 4K');
    const ok = { ok: true };
    const thr = m.graph.node('thr')!;
    expect(qemuIo(m, thr, 'read -P 0xcc 0 4K')).toEqual(ok);
    expect(qemuIo(m, thr, 'read -P 0xaa 4K 1020K')).toEqual(ok);
    expect(qemuIo(m, thr, 'read -P 0xbb 1M 64K')).toEqual(ok);
    // mid is 2M long: base's data beyond it is hidden, top reads zeroes there.
    expect(qemuIo(m, thr, 'read -P 0 2M 2M')).toEqual(ok);
    expect(qemuIo(m, thr, 'read -P 0 0 4K')).toMatchObject({ ok: false, message: 'Pattern verification failed at offset 0, 4096 bytes' });
  });
});

describe('failed writes still dirty (reference 2.1)', () => {
  it('write -c onto an allocated qcow2 cluster fails with EIO and dirties the format node', () => {
    const m = threeLayers('qemu-7.2');
    const b = bitmaps(m, 'top');
    io(m, 'top', 'write -P 0x11 0 64K');
    b.top?.clear();
    expect(qemuIo(m, m.graph.node('top')!, 'write -c 0 64K')).toEqual({ ok: false, message: 'write failed: Input/output error' });
    expect(b.top?.count).toBe(65536);
    expect(qemuIo(m, m.graph.node('top')!, 'write -c 64K 64K')).toEqual({ ok: true });
  });

  it('a blkdebug-injected EIO dirties the nodes above it and not below', () => {
    const m = machineWith('qemu-7.2', [{ filename: 'r.img', format: 'raw', size: size('1M') }]);
    add(m, {
      driver: 'raw',
      'node-name': 'fmt',
      file: { driver: 'blkdebug', 'node-name': 'dbg', 'inject-error': [{ event: 'pwritev', once: true }], image: { driver: 'file', 'node-name': 'proto', filename: 'r.img' } },
    });
    const b = bitmaps(m, 'fmt', 'dbg', 'proto');
    expect(qemuIo(m, m.graph.node('fmt')!, 'write -P 1 0 4K')).toEqual({ ok: false, message: 'write failed: Input/output error' });
    expect([b.fmt?.count, b.dbg?.count, b.proto?.count]).toEqual([65536, 65536, 0]);
    // `once`: the next write goes through to the file.
    expect(qemuIo(m, m.graph.node('fmt')!, 'write -P 1 64K 4K')).toEqual({ ok: true });
    expect(b.proto?.count).toBe(65536);
  });
});

describe('discard (reference 2.2)', () => {
  it('is dropped before tracking on a discard=ignore node and dirties the whole range with unmap', () => {
    const m = machineWith('qemu-7.2', [{ filename: 'r.img', format: 'raw', size: size('1M') }]);
    add(m, { driver: 'file', 'node-name': 'proto', filename: 'r.img' });
    add(m, { driver: 'raw', 'node-name': 'ign', file: 'proto' });
    const b = bitmaps(m, 'ign', 'proto');
    io(m, 'ign', 'write -P 0x11 0 1M');
    b.ign?.clear();
    b.proto?.clear();
    io(m, 'ign', 'discard 0 64K');
    expect([b.ign?.count, b.proto?.count]).toEqual([0, 0]);
    expect(qemuIo(m, m.graph.node('ign')!, 'read -P 0x11 0 64K')).toEqual({ ok: true });

    add(m, { driver: 'raw', 'node-name': 'unmap', discard: 'unmap', file: 'proto' });
    const u = bitmaps(m, 'unmap');
    io(m, 'unmap', 'discard 1000 3000');
    // The raw node is dirtied; the separately added file node keeps discard=ignore.
    expect([u.unmap?.count, b.proto?.count]).toEqual([65536, 0]);
  });

  it('an inline file child of a format node defaults to discard=unmap and punches a hole', () => {
    const m = machineWith('qemu-7.2', [{ filename: 'r.img', format: 'raw', size: size('1M') }]);
    add(m, { driver: 'raw', 'node-name': 'fmt', discard: 'unmap', file: { driver: 'file', 'node-name': 'proto', filename: 'r.img' } });
    const b = bitmaps(m, 'fmt', 'proto');
    io(m, 'fmt', 'write -P 0x11 0 128K');
    io(m, 'fmt', 'discard 64K 64K');
    expect([b.fmt?.count, b.proto?.count]).toEqual([131072, 131072]);
    expect(qemuIo(m, m.graph.node('fmt')!, 'read -P 0 64K 64K')).toEqual({ ok: true });
  });
});

describe('refusals before tracking', () => {
  it('a readonly bitmap makes writes fail with EPERM and dirties nothing', () => {
    const m = threeLayers('qemu-7.2');
    const top = m.graph.node('top')!;
    const ro = BdrvDirtyBitmap.create('ro', top.length(), 65536, { readonly: true });
    const b = bitmaps(m, 'thr');
    top.dirtyBitmaps.unshift(ro);
    expect(qemuIo(m, m.graph.node('thr')!, 'write 0 4K')).toEqual({ ok: false, message: 'write failed: Operation not permitted' });
    expect([b.thr?.count, ro.count]).toEqual([65536, 0]);
  });

  it('a request past the end fails with EIO at the BlockBackend', () => {
    const m = threeLayers('qemu-7.2');
    const b = bitmaps(m, 'thr');
    expect(qemuIo(m, m.graph.node('thr')!, 'write 8191K 4K')).toEqual({ ok: false, message: 'write failed: Input/output error' });
    expect(qemuIo(m, m.graph.node('thr')!, 'read 0 100M')).toEqual({ ok: false, message: 'read failed: Input/output error' });
    expect(b.thr?.count).toBe(0);
  });
});

describe('null-co', () => {
  it('reads zeroes, takes writes, and ignores discard', () => {
    const m = machineWith('qemu-7.2', []);
    add(m, { driver: 'null-co', 'node-name': 'z', size: size('1M'), 'read-zeroes': true, discard: 'unmap' });
    const b = bitmaps(m, 'z');
    io(m, 'z', 'write -P 0x11 0 4K');
    io(m, 'z', 'discard 64K 64K');
    expect(b.z?.count).toBe(65536);
    expect(qemuIo(m, m.graph.node('z')!, 'read -P 0 0 1M')).toEqual({ ok: true });
  });
});
