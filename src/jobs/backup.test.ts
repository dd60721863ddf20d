import { describe, expect, it } from 'vitest';
import { qemuIo } from '../io/qemu-io.ts';
import { size } from '../size.ts';
import { advanceJob } from './advance.ts';
import { backupMachine, bitmap, dirtyOffsets, listed } from './backup-fixture.ts';
import { guest, node, qmp, takeEvents } from './test-chain.ts';

const K64 = 65536;
const M4 = size('4M');
const bitmapBackup = { 'job-id': 'j', device: 'src', target: 'tgt', sync: 'bitmap', bitmap: 'b0' };

/** The copy-before-write node above src. */
function cbwName(m: ReturnType<typeof backupMachine>): string {
  const filter = m.graph.device('vda')?.root;
  expect(filter?.driver.name).toBe('copy-before-write');
  return filter?.nodeName ?? '';
}

describe('backup, the 7.2 probe layout (reference 4.6, 4.7)', () => {
  it('sync=bitmap held in pending: bitmaps on src, the filter and the target as probed; finalize abdicates', () => {
    const m = backupMachine();
    takeEvents(m);
    expect(qmp(m, 'blockdev-backup', { ...bitmapBackup, 'bitmap-mode': 'on-success', 'auto-finalize': false })).toEqual({ return: {} });
    expect(takeEvents(m)).toEqual(['created', 'running', 'paused', 'running']);
    const cbw = cbwName(m);
    expect([node(m, cbw).implicit, node(m, cbw).child('file')?.nodeName]).toEqual([true, 'src']);
    expect(advanceJob(m, 'j', 'settle')).toEqual({ ok: true, chunks: 4, status: 'pending' });
    // Newest first: block-copy's copy bitmap (all copied), b0's successor (recording), b0 frozen.
    expect(listed(m, 'src')).toEqual([['<anon>', 0, false, false], ['<anon>', 0, true, false], ['b0', 4 * K64, true, true]]);
    // The filter's access bitmap (all set) and done bitmap; the target recorded the 4 copies.
    expect(listed(m, cbw)).toEqual([['<anon>', M4, false, false], ['<anon>', 0, false, false]]);
    expect(listed(m, 'tgt')).toEqual([['tb', 4 * K64, true, false]]);
    guest(m, 'write -P 0x22 3M 64K');
    expect(listed(m, cbw)[1]).toEqual(['<anon>', K64, false, false]);
    expect(listed(m, 'src')[1]).toEqual(['<anon>', K64, true, false]);
    expect(qmp(m, 'block-dirty-bitmap-clear', { node: 'src', name: 'b0' })).toEqual({
      error: { class: 'GenericError', desc: "Bitmap 'b0' is currently in use by another operation and cannot be used" },
    });
    takeEvents(m);
    expect(qmp(m, 'job-finalize', { id: 'j' })).toEqual({ return: {} });
    expect(takeEvents(m)).toEqual([
      { event: 'BLOCK_JOB_COMPLETED', data: { type: 'backup', device: 'j', len: 4 * K64, offset: 4 * K64, speed: 0 } },
      'concluded',
      'null',
    ]);
    expect(listed(m, 'src')).toEqual([['b0', K64, true, false]]);
    expect(m.graph.node(cbw)).toBeUndefined();
    expect(m.graph.device('vda')?.root).toBe(node(m, 'src'));
    expect(m.graph.backends().filter((b) => b.owner.kind === 'internal')).toEqual([]);
  });

  it('waiting and pending with BLOCK_JOB_PENDING come at the end of the copy under manual finalize', () => {
    const m = backupMachine();
    qmp(m, 'blockdev-backup', { ...bitmapBackup, 'bitmap-mode': 'on-success', 'auto-finalize': false });
    takeEvents(m);
    advanceJob(m, 'j', 'settle');
    expect(takeEvents(m)).toEqual(['waiting', 'pending', { event: 'BLOCK_JOB_PENDING', data: { type: 'backup', id: 'j' } }]);
  });

  it('sync=full cluster by cluster: the target is dirtied per copy, a guest write copies its cluster first', () => {
    const m = backupMachine();
    qmp(m, 'blockdev-backup', { 'job-id': 'j', device: 'src', target: 'tgt', sync: 'full' });
    advanceJob(m, 'j', { chunks: 1 });
    expect(listed(m, 'src')[0]).toEqual(['<anon>', M4 - K64, false, false]);
    expect(bitmap(m, 'tgt', 'tb').count).toBe(K64);
    guest(m, 'write -P 0x22 3M 64K');
    expect(listed(m, 'src')[0]).toEqual(['<anon>', M4 - 2 * K64, false, false]);
    expect(dirtyOffsets(bitmap(m, 'tgt', 'tb'))).toEqual([0, size('3M')]);
    // The target holds the old data of 3M (zeroes), the source the new.
    expect(qemuIo(m, node(m, 'tgt'), 'read -P 0 3M 64K')).toEqual({ ok: true });
    takeEvents(m);
    expect(qmp(m, 'job-cancel', { id: 'j' })).toEqual({ return: {} });
    expect(takeEvents(m)).toEqual([
      'aborting',
      { event: 'BLOCK_JOB_CANCELLED', data: { type: 'backup', device: 'j', len: M4, offset: 2 * K64, speed: 0 } },
      'concluded',
      'null',
    ]);
  });

  it('sync=full to the end dirties the whole target, zero clusters included', () => {
    const m = backupMachine();
    qmp(m, 'blockdev-backup', { 'job-id': 'j', device: 'src', target: 'tgt', sync: 'full' });
    expect(advanceJob(m, 'j', 'settle')).toEqual({ ok: true, chunks: 64, status: 'null' });
    expect(bitmap(m, 'tgt', 'tb').count).toBe(M4);
  });

  it('a WRITE_UNCHANGED write through the filter copies nothing', () => {
    const m = backupMachine();
    qmp(m, 'blockdev-backup', { 'job-id': 'j', device: 'src', target: 'tgt', sync: 'full' });
    const before = listed(m, 'src')[0];
    // Copy-on-read through vda is the WRITE_UNCHANGED writer the request path offers.
    const filter = m.graph.device('vda')?.root;
    if (filter === undefined) throw new Error('no root');
    const r = filter.driver.modify(
      { read: () => ({ ok: true, value: [] }), modify: () => ({ ok: true, value: undefined }), truncate: () => ({ ok: true }) },
      filter,
      { kind: 'write-zeroes', offset: size('3M'), bytes: K64, flags: new Set(['BDRV_REQ_WRITE_UNCHANGED']) },
    );
    expect(r.ok).toBe(true);
    expect(listed(m, 'src')[0]).toEqual(before);
    expect(bitmap(m, 'tgt', 'tb').count).toBe(0);
  });

  it('sync=top copies only what src itself has allocated', () => {
    const m = backupMachine();
    qmp(m, 'blockdev-backup', { 'job-id': 'j', device: 'src', target: 'tgt', sync: 'top', 'auto-finalize': false });
    expect(listed(m, 'src')[0]).toEqual(['<anon>', 4 * K64, false, false]);
    advanceJob(m, 'j', 'settle');
    expect(dirtyOffsets(bitmap(m, 'tgt', 'tb'))).toEqual([0, size('128K'), size('1M'), size('2M')]);
  });

  it('sync=none copies only before guest writes and waits for a cancel', () => {
    const m = backupMachine();
    qmp(m, 'blockdev-backup', { 'job-id': 'j', device: 'src', target: 'tgt', sync: 'none' });
    expect(advanceJob(m, 'j', { chunks: 10 })).toEqual({ ok: true, chunks: 10, status: 'running' });
    expect(bitmap(m, 'tgt', 'tb').count).toBe(0);
    guest(m, 'write -P 0x22 0 4K');
    expect(dirtyOffsets(bitmap(m, 'tgt', 'tb'))).toEqual([0]);
    expect(qemuIo(m, node(m, 'tgt'), 'read -P 0x11 0 64K')).toEqual({ ok: true });
    qmp(m, 'job-cancel', { id: 'j' });
    expect(m.graph.device('vda')?.root).toBe(node(m, 'src'));
  });

  it('started inside a transaction: the same status sequence, and a later failing action undoes the setup', () => {
    const m = backupMachine();
    takeEvents(m);
    const action = { type: 'blockdev-backup', data: { ...bitmapBackup, 'bitmap-mode': 'on-success' } };
    expect(qmp(m, 'transaction', { actions: [action, { type: 'abort', data: {} }] })).toEqual({
      error: { class: 'GenericError', desc: 'Transaction aborted using Abort action' },
    });
    expect(listed(m, 'src')).toEqual([['b0', 4 * K64, true, false]]);
    expect(m.graph.device('vda')?.root).toBe(node(m, 'src'));
    expect(qmp(m, 'transaction', { actions: [action] })).toEqual({ return: {} });
    expect(takeEvents(m)).toEqual(['created', 'running', 'paused', 'running']);
  });

  it('on-target-error=stop pauses at the failing cluster and retries it on resume', () => {
    const m = backupMachine();
    qmp(m, 'blockdev-add', { driver: 'blkdebug', 'node-name': 'dbg', image: 'tgt', 'inject-error': [{ event: 'pwritev', sector: 256, once: true }] });
    qmp(m, 'blockdev-backup', { ...bitmapBackup, target: 'dbg', 'bitmap-mode': 'on-success', 'on-target-error': 'stop' });
    takeEvents(m);
    expect(advanceJob(m, 'j', 'settle')).toEqual({ ok: true, chunks: 2, status: 'paused' });
    expect(takeEvents(m)).toEqual([{ event: 'BLOCK_JOB_ERROR', data: { device: 'j', operation: 'write', action: 'stop' } }, 'paused']);
    qmp(m, 'job-resume', { id: 'j' });
    expect(advanceJob(m, 'j', 'settle')).toMatchObject({ status: 'null' });
    expect(listed(m, 'src')).toEqual([['b0', 0, true, false]]);
  });

  it('a source read error is reported under on-source-error, not on-target-error', () => {
    const m = backupMachine();
    qmp(m, 'blockdev-add', { driver: 'blkdebug', 'node-name': 'dbg', image: 'src', 'inject-error': [{ event: 'read_aio', sector: 256 }] });
    expect(qmp(m, 'blockdev-backup', { 'job-id': 'j', device: 'dbg', target: 'tgt', sync: 'full', 'on-target-error': 'stop' })).toEqual({ return: {} });
    takeEvents(m);
    expect(advanceJob(m, 'j', 'settle')).toMatchObject({ status: 'null' });
    const events = takeEvents(m);
    expect(events[0]).toEqual({ event: 'BLOCK_JOB_ERROR', data: { device: 'j', operation: 'read', action: 'report' } });
    expect(events).toContainEqual({
      event: 'BLOCK_JOB_COMPLETED',
      data: { type: 'backup', device: 'j', len: M4, offset: 2 * K64, speed: 0, error: 'Input/output error' },
    });
  });

  it('a failing copy-before-write fails the guest write (on-cbw-error=break-guest-write)', () => {
    const m = backupMachine();
    qmp(m, 'blockdev-add', { driver: 'blkdebug', 'node-name': 'dbg', image: 'tgt', 'inject-error': [{ event: 'pwritev_zero', sector: 6144 }] });
    qmp(m, 'blockdev-backup', { 'job-id': 'j', device: 'src', target: 'dbg', sync: 'full' });
    const vda = m.graph.device('vda');
    if (vda === undefined) throw new Error('no vda');
    expect(qemuIo(m, vda, 'write -P 0x22 3M 64K')).toMatchObject({ ok: false });
    expect(qemuIo(m, node(m, 'src'), 'read -P 0 3M 64K')).toEqual({ ok: true });
  });
});
