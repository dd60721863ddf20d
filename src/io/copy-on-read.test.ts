import { describe, expect, it } from 'vitest';
import type { Machine, Semantics } from '../machine.ts';
import { size } from '../size.ts';
import { qemuIo } from './qemu-io.ts';
import { add, bitmaps, io, machineWith } from './test-support.ts';

/** base (data at [0,1M) and [2M,3M)) <- top (empty), as in reference 2.4. */
function chain(semantics: Semantics, topData: readonly string[] = []): Machine {
  const m = machineWith(semantics, [
    { filename: 'base.qcow2', format: 'qcow2', size: size('4M') },
    { filename: 'top.qcow2', format: 'qcow2', size: size('4M'), backingFile: 'base.qcow2', backingFormat: 'qcow2' },
  ]);
  add(m, { driver: 'qcow2', 'node-name': 'base', file: { driver: 'file', filename: 'base.qcow2' } });
  io(m, 'base', 'write -P 0xaa 0 1M');
  io(m, 'base', 'write -P 0xbb 2M 1M');
  add(m, { driver: 'qcow2', 'node-name': 'top', file: { driver: 'file', filename: 'top.qcow2', 'node-name': 'top-file' }, backing: 'base' });
  for (const line of topData) io(m, 'top', line);
  return m;
}

describe('copy-on-read (reference 2.4)', () => {
  it('B: a COR filter directly on top dirties nothing, and a later guest write dirties cor and top', () => {
    const m = chain('qemu-7.2');
    add(m, { driver: 'copy-on-read', 'node-name': 'cor', file: 'top' });
    const b = bitmaps(m, 'top', 'cor', 'base', 'top-file');
    io(m, 'cor', 'read 0 4M');
    expect([b.top?.count, b.cor?.count, b.base?.count]).toEqual([0, 0, 0]);
    // top's host clusters were written: the protocol bitmap is marked, not guessed.
    expect(b['top-file']?.unmodelled).toBe('qcow2 host-cluster allocation is not modelled');
    // The data was copied into top, so it no longer needs base.
    const top = m.images.get('top.qcow2');
    expect(top?.format === 'qcow2' && top.data.all()).toEqual([
      { start: 0, end: size('1M'), byte: 0xaa },
      { start: size('1M'), end: size('2M'), byte: 0 },
      { start: size('2M'), end: size('3M'), byte: 0xbb },
      { start: size('3M'), end: size('4M'), byte: 0 },
    ]);
    io(m, 'cor', 'write -P 0x11 0 64K');
    expect([b.top?.count, b.cor?.count, b.base?.count]).toEqual([65536, 65536, 0]);
  });

  it('C: COR consumed at a throttle above top dirties all 4M of top, zero regions included', () => {
    const m = chain('qemu-7.2');
    add(m, { driver: 'throttle', 'node-name': 'thr', 'throttle-group': 'tg', file: 'top' });
    add(m, { driver: 'copy-on-read', 'node-name': 'cor', file: 'thr' });
    const b = bitmaps(m, 'top', 'thr', 'cor', 'base');
    io(m, 'cor', 'read 0 4M');
    expect([b.top?.count, b.thr?.count, b.cor?.count, b.base?.count]).toEqual([4194304, 0, 0, 0]);
  });

  it('C with some data already in top: ranges top has are not copied (verified: 4M - 192K)', () => {
    const m = chain('qemu-7.2', ['write -P 0x11 512K 128K', 'write -P 0x22 3M 64K']);
    add(m, { driver: 'throttle', 'node-name': 'thr', 'throttle-group': 'tg', file: 'top' });
    add(m, { driver: 'copy-on-read', 'node-name': 'cor', file: 'thr' });
    const b = bitmaps(m, 'top', 'thr', 'cor');
    io(m, 'cor', 'read 0 4M');
    expect(b.top?.count).toBe(3997696);
    expect([...(b.top?.contents?.extents() ?? [])]).toEqual([
      { offset: 0, length: size('512K') },
      { offset: size('640K'), length: size('3M') - size('640K') },
      { offset: size('3M') + size('64K'), length: size('1M') - size('64K') },
    ]);
    expect(qemuIo(m, m.graph.node('top')!, 'read -P 0x11 512K 128K')).toEqual({ ok: true });
  });

  it('C under write-unchanged-clean: the forwarded WRITE_UNCHANGED writes dirty nothing', () => {
    const m = chain('write-unchanged-clean');
    add(m, { driver: 'throttle', 'node-name': 'thr', 'throttle-group': 'tg', file: 'top' });
    add(m, { driver: 'copy-on-read', 'node-name': 'cor', file: 'thr' });
    const b = bitmaps(m, 'top', 'thr', 'cor');
    io(m, 'cor', 'read 0 4M');
    expect([b.top?.count, b.thr?.count, b.cor?.count]).toEqual([0, 0, 0]);
    io(m, 'cor', 'write -P 0x11 0 64K');
    expect([b.top?.count, b.thr?.count, b.cor?.count]).toEqual([65536, 65536, 65536]);
  });

  it('reads through cor return the backing data', () => {
    const m = chain('qemu-7.2');
    add(m, { driver: 'copy-on-read', 'node-name': 'cor', file: 'top' });
    expect(qemuIo(m, m.graph.node('cor')!, 'read -P 0xbb 2M 1M')).toEqual({ ok: true });
    expect(qemuIo(m, m.graph.node('cor')!, 'read -P 0xaa 512K 1M')).toMatchObject({
      ok: false,
      message: 'Pattern verification failed at offset 524288, 1048576 bytes',
    });
  });
});
