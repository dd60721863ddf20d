import { describe, expect, it } from 'vitest';
import { qemuIo } from '../io/qemu-io.ts';
import { size } from '../size.ts';
import { advanceJob } from './advance.ts';
import { bitmapOn, deviceRoot, mirrorMachine } from './mirror-fixture.ts';
import { guest, node, qmp, takeEvents } from './test-chain.ts';

const M = (n: number) => n * 1024 * 1024;
const K64 = size('64K');
const event = (name: string, len: number, offset = len, type = 'mirror') => ({ event: name, data: { type, device: 'm', len, offset, speed: 0 } });

function mirror(args: Record<string, unknown> = {}) {
  const m = mirrorMachine();
  expect(qmp(m, 'blockdev-mirror', { 'job-id': 'm', device: 'src', target: 'tgt', sync: 'full', ...args })).toEqual({ return: {} });
  return m;
}

describe('blockdev-mirror sync=full (reference 4.5, probed on 7.2.22)', () => {
  it('puts an implicit mirror_top above the source and an anonymous enabled bitmap on the source', () => {
    const m = mirror();
    expect(takeEvents(m)).toEqual(['created', 'running']);
    const filter = m.graph.device('vda')?.root;
    expect([filter?.driver.name, filter?.implicit, filter?.child('backing')?.nodeName]).toEqual(['mirror_top', true, 'src']);
    const listed = qmp(m, 'query-named-block-nodes');
    const src = 'return' in listed ? (listed.return as { 'node-name': string; 'dirty-bitmaps'?: unknown[] }[]).find((n) => n['node-name'] === 'src') : undefined;
    expect(src?.['dirty-bitmaps']?.[0]).toEqual({ recording: true, persistent: false, busy: false, granularity: 65536, count: 0 });
    expect(qmp(m, 'query-block-jobs')).toMatchObject({ return: [{ type: 'mirror', status: 'running', ready: false }] });
  });

  it('copies everything when the target cannot write zeroes with unmap: target bitmap fully dirty, then READY', () => {
    const m = mirror();
    takeEvents(m);
    expect(advanceJob(m, 'm', { until: 'ready' })).toEqual({ ok: true, chunks: 5, status: 'ready' });
    expect(takeEvents(m)).toEqual(['ready', event('BLOCK_JOB_READY', M(4))]);
    expect([bitmapOn(m, 'tgt', 't0')?.count, bitmapOn(m, 'src', undefined)?.count, bitmapOn(m, 'src', 's0')?.count]).toEqual([M(4), 0, 0]);
    expect(qmp(m, 'query-block-jobs')).toMatchObject({ return: [{ status: 'ready', ready: true, len: M(4), offset: M(4) }] });
    // Nothing left to copy: a ready job idles until told more.
    expect(advanceJob(m, 'm', 'settle')).toEqual({ ok: true, chunks: 0, status: 'ready' });
  });

  it('with a target opened discard=unmap it zeroes the target and copies only the allocated 1M', () => {
    const m = mirrorMachine();
    // tgt holds tgt.qcow2's write lock until it closes.
    expect(qmp(m, 'blockdev-del', { 'node-name': 'tgt' })).toEqual({ return: {} });
    qmp(m, 'blockdev-add', { driver: 'qcow2', 'node-name': 'tgt2', discard: 'unmap', file: { driver: 'file', filename: 'tgt.qcow2' } });
    qmp(m, 'blockdev-mirror', { 'job-id': 'm', device: 'src', target: 'tgt2', sync: 'full' });
    expect(advanceJob(m, 'm', { until: 'ready' })).toMatchObject({ chunks: 2, status: 'ready' });
    expect(m.events.at(-1)).toEqual(event('BLOCK_JOB_READY', M(1)));
  });

  it('job-complete pivots: the target replaces the source under the device; bitmaps stay on their nodes', () => {
    const m = mirror();
    advanceJob(m, 'm', { until: 'ready' });
    takeEvents(m);
    expect(qmp(m, 'job-complete', { id: 'm' })).toEqual({ return: {} });
    expect(takeEvents(m)).toEqual(['waiting', 'pending', event('BLOCK_JOB_COMPLETED', M(4)), 'concluded', 'null']);
    expect(deviceRoot(m)).toBe('tgt');
    expect(m.graph.nodes().map((n) => String(n.driver.name))).not.toContain('mirror_top');
    expect(node(m, 'src').dirtyBitmaps.map((b) => b.name)).toEqual(['s0']);
    expect(node(m, 'tgt').dirtyBitmaps.map((b) => b.name)).toEqual(['t0']);
    expect(m.graph.backends().filter((b) => b.owner.kind === 'internal')).toEqual([]);
    // The monitor owns src: it survives, detached.
    expect(m.graph.parents(node(m, 'src'))).toEqual([]);
    expect(qemuIo(m, node(m, 'tgt'), 'read -P 0xaa 0 1M')).toEqual({ ok: true });
  });

  it('re-copies guest writes made between chunks (background mode)', () => {
    const m = mirror();
    advanceJob(m, 'm', { chunks: 1 });
    expect(bitmapOn(m, 'src', undefined)?.count).toBe(M(3));
    guest(m, 'write -P 0x11 0 64K');
    expect([bitmapOn(m, 'src', undefined)?.count, bitmapOn(m, 'src', 's0')?.count]).toEqual([M(3) + K64, K64]);
    expect(advanceJob(m, 'm', { until: 'ready' })).toMatchObject({ status: 'ready' });
    expect(m.events.at(-1)).toEqual(event('BLOCK_JOB_READY', M(4) + K64));
    expect(qemuIo(m, node(m, 'tgt'), 'read -P 0x11 0 64K')).toEqual({ ok: true });
  });

  it('a guest write after READY dirties the anonymous bitmap; job-complete copies it first', () => {
    const m = mirror();
    advanceJob(m, 'm', { until: 'ready' });
    guest(m, 'write -P 0x11 3M 64K');
    expect([bitmapOn(m, 'src', undefined)?.count, bitmapOn(m, 'src', 's0')?.count]).toEqual([K64, K64]);
    takeEvents(m);
    qmp(m, 'job-complete', { id: 'm' });
    expect(takeEvents(m)).toContainEqual(event('BLOCK_JOB_COMPLETED', M(4) + K64));
    expect(qemuIo(m, node(m, 'tgt'), 'read -P 0x11 3M 64K')).toEqual({ ok: true });
  });

  it('pause in READY is standby; job-complete in standby takes effect on resume', () => {
    const m = mirror({ 'auto-dismiss': false });
    advanceJob(m, 'm', { until: 'ready' });
    takeEvents(m);
    qmp(m, 'block-job-pause', { device: 'm' });
    expect(qmp(m, 'query-block-jobs')).toMatchObject({ return: [{ status: 'standby', paused: true, ready: true }] });
    expect(qmp(m, 'job-complete', { id: 'm' })).toEqual({ return: {} });
    expect(takeEvents(m)).toEqual(['standby']);
    expect(deviceRoot(m)).not.toBe('tgt');
    qmp(m, 'block-job-resume', { device: 'm' });
    expect(takeEvents(m)).toEqual(['ready', 'waiting', 'pending', event('BLOCK_JOB_COMPLETED', M(4)), 'concluded']);
    expect(deviceRoot(m)).toBe('tgt');
  });

  it('soft cancel in READY finishes the copy without pivot and completes', () => {
    const m = mirror();
    advanceJob(m, 'm', { until: 'ready' });
    guest(m, 'write -P 0x11 3M 64K');
    takeEvents(m);
    expect(qmp(m, 'block-job-cancel', { device: 'm' })).toEqual({ return: {} });
    expect(takeEvents(m)).toEqual(['waiting', 'pending', event('BLOCK_JOB_COMPLETED', M(4) + K64), 'concluded', 'null']);
    expect(deviceRoot(m)).toBe('src');
    expect(node(m, 'src').dirtyBitmaps.map((b) => b.name)).toEqual(['s0']);
    expect(qemuIo(m, node(m, 'tgt'), 'read -P 0x11 3M 64K')).toEqual({ ok: true });
  });

  it.each([
    ['force-cancel in READY', { until: 'ready' } as const, { device: 'm', force: true }, M(4)],
    ['cancel before READY', { chunks: 1 } as const, { device: 'm' }, M(1)],
  ])('%s aborts: CANCELLED, no pivot, filter and anonymous bitmap gone', (_, limit, args, offset) => {
    const m = mirror();
    advanceJob(m, 'm', limit);
    takeEvents(m);
    expect(qmp(m, 'block-job-cancel', args)).toEqual({ return: {} });
    expect(takeEvents(m)).toEqual(['aborting', event('BLOCK_JOB_CANCELLED', M(4), offset), 'concluded', 'null']);
    expect(deviceRoot(m)).toBe('src');
    expect(node(m, 'src').dirtyBitmaps.map((b) => b.name)).toEqual(['s0']);
  });

  it('job-cancel is always hard, also in READY', () => {
    const m = mirror();
    advanceJob(m, 'm', { until: 'ready' });
    qmp(m, 'job-cancel', { id: 'm' });
    expect(m.events.map((e) => e.event)).toContain('BLOCK_JOB_CANCELLED');
  });

  it('a target smaller than the source fails the job at its first chunk', () => {
    const m = mirrorMachine();
    qmp(m, 'blockdev-add', { driver: 'null-co', 'node-name': 'small', size: M(2) });
    qmp(m, 'blockdev-mirror', { 'job-id': 'm', device: 'src', target: 'small', sync: 'full' });
    takeEvents(m);
    expect(advanceJob(m, 'm', 'settle')).toMatchObject({ chunks: 1, status: 'null' });
    expect(takeEvents(m)).toEqual([
      'aborting',
      { event: 'BLOCK_JOB_COMPLETED', data: { type: 'mirror', device: 'm', len: 0, offset: 0, speed: 0, error: 'Source and target image have different sizes' } },
      'concluded',
      'null',
    ]);
  });
});

describe('blockdev-mirror sync=none and copy modes', () => {
  it('sync=none is READY at once; a later guest write is copied by the next chunk (background)', () => {
    const m = mirror({ sync: 'none' });
    expect(advanceJob(m, 'm', { until: 'ready' })).toMatchObject({ chunks: 1 });
    expect(m.events.at(-1)).toEqual(event('BLOCK_JOB_READY', 0));
    guest(m, 'write -P 0x11 1M 64K');
    expect([bitmapOn(m, 'src', undefined)?.count, bitmapOn(m, 'tgt', 't0')?.count]).toEqual([K64, 0]);
    expect(advanceJob(m, 'm', 'settle')).toMatchObject({ chunks: 1, status: 'ready' });
    expect([bitmapOn(m, 'src', undefined)?.count, bitmapOn(m, 'tgt', 't0')?.count]).toEqual([0, K64]);
  });

  it('write-blocking: the anonymous bitmap is disabled and the guest write reaches the target at once', () => {
    const m = mirror({ sync: 'none', 'copy-mode': 'write-blocking' });
    advanceJob(m, 'm', { until: 'ready' });
    expect(bitmapOn(m, 'src', undefined)?.recording).toBe(false);
    guest(m, 'write -P 0x11 1M 64K');
    expect([bitmapOn(m, 'src', undefined)?.count, bitmapOn(m, 'tgt', 't0')?.count, bitmapOn(m, 'src', 's0')?.count]).toEqual([0, K64, K64]);
    expect(qmp(m, 'query-block-jobs')).toMatchObject({ return: [{ len: K64, offset: K64 }] });
    expect(qemuIo(m, node(m, 'tgt'), 'read -P 0x11 1M 64K')).toEqual({ ok: true });
  });

  it('write-blocking before READY: the write is copied and its granules need no copy later', () => {
    const m = mirror({ 'copy-mode': 'write-blocking' });
    advanceJob(m, 'm', { chunks: 1 });
    guest(m, 'write -P 0x11 3M 64K');
    expect([bitmapOn(m, 'src', undefined)?.count, qmp(m, 'query-block-jobs')]).toEqual([
      M(3) - K64,
      expect.objectContaining({ return: [expect.objectContaining({ status: 'running', len: M(4) + K64, offset: M(1) + K64 })] }),
    ]);
    // The next iteration sets the total from the bitmap again (job_progress_set_remaining).
    advanceJob(m, 'm', { until: 'ready' });
    expect(m.events.at(-1)).toEqual(event('BLOCK_JOB_READY', M(4)));
    expect(qemuIo(m, node(m, 'tgt'), 'read -P 0x11 3M 64K')).toEqual({ ok: true });
  });

  it('a write smaller than the granularity is copied as one whole granule (probed: 4K, 64K, 1M)', () => {
    for (const granularity of [4096, K64, M(1)]) {
      const m = mirror({ sync: 'none', granularity });
      qmp(m, 'block-dirty-bitmap-add', { node: 'tgt', name: 't4k', granularity: 4096 });
      advanceJob(m, 'm', { until: 'ready' });
      guest(m, 'write -P 0x11 2M 512');
      expect(advanceJob(m, 'm', 'settle')).toMatchObject({ ok: true, status: 'ready' });
      expect([bitmapOn(m, 'tgt', 't4k')?.count, bitmapOn(m, 'src', undefined)?.count]).toEqual([granularity, 0]);
      expect(qemuIo(m, node(m, 'tgt'), 'read -P 0x11 2M 512')).toEqual({ ok: true });
    }
  });

  it('granularity sets the anonymous bitmap granularity', () => {
    const m = mirror({ granularity: 4096 });
    expect(bitmapOn(m, 'src', undefined)?.granularity).toBe(4096);
  });
});

describe('mirror cancel while paused in READY (probed on 7.2.22)', () => {
  it('block-job-cancel without force is refused; job-cancel resumes to ready, then aborts', () => {
    const m = mirror({ sync: 'none' });
    advanceJob(m, 'm', { until: 'ready' });
    qmp(m, 'job-pause', { id: 'm' });
    takeEvents(m);
    expect(qmp(m, 'block-job-cancel', { device: 'm' })).toEqual({ error: { class: 'GenericError', desc: "The block job for device 'm' is currently paused" } });
    expect(qmp(m, 'job-cancel', { id: 'm' })).toEqual({ return: {} });
    expect(takeEvents(m)).toEqual(['ready', 'aborting', event('BLOCK_JOB_CANCELLED', 0), 'concluded', 'null']);
  });
});

describe('mirror I/O errors (block_job_error_action with on-source-error / on-target-error)', () => {
  it('a failed target write with on-target-error=stop pauses the job; the range stays dirty and is retried on resume', () => {
    const m = mirror({ 'on-target-error': 'stop' });
    bitmapOn(m, 'tgt', 't0')?.setReadonly(true);
    takeEvents(m);
    expect(advanceJob(m, 'm', 'settle')).toMatchObject({ chunks: 1, status: 'paused' });
    expect(takeEvents(m)).toEqual([{ event: 'BLOCK_JOB_ERROR', data: { device: 'm', operation: 'write', action: 'stop' } }, 'paused']);
    expect([bitmapOn(m, 'src', undefined)?.count, qmp(m, 'query-block-jobs')]).toEqual([M(4), expect.objectContaining({ return: [expect.objectContaining({ 'io-status': 'failed', offset: 0 })] })]);
    bitmapOn(m, 'tgt', 't0')?.setReadonly(false);
    qmp(m, 'job-resume', { id: 'm' });
    expect(advanceJob(m, 'm', 'settle')).toMatchObject({ status: 'ready' });
  });

  it('on-target-error=report (the default) fails the job with the errno', () => {
    const m = mirror();
    bitmapOn(m, 'tgt', 't0')?.setReadonly(true);
    advanceJob(m, 'm', 'settle');
    expect(m.events.filter((e) => e.event.startsWith('BLOCK_JOB'))).toEqual([
      { event: 'BLOCK_JOB_ERROR', data: { device: 'm', operation: 'write', action: 'report' } },
      { event: 'BLOCK_JOB_COMPLETED', data: { type: 'mirror', device: 'm', len: M(4), offset: 0, speed: 0, error: 'Operation not permitted' } },
    ]);
    expect(deviceRoot(m)).toBe('src');
  });

  it('on-source-error does not apply to target writes', () => {
    const m = mirror({ 'on-source-error': 'stop' });
    bitmapOn(m, 'tgt', 't0')?.setReadonly(true);
    advanceJob(m, 'm', 'settle');
    expect(m.events).toContainEqual({ event: 'BLOCK_JOB_ERROR', data: { device: 'm', operation: 'write', action: 'report' } });
  });
});

describe('replaces', () => {
  it('a node below the source through filters is replaced in its parents; the filter stays', () => {
    const m = mirrorMachine();
    qmp(m, 'device_del', { id: 'vda' });
    expect(qmp(m, 'blockdev-add', { driver: 'throttle', 'node-name': 'thr', 'throttle-group': 'g', file: 'src' })).toEqual({ return: {} });
    qmp(m, 'device_add', { driver: 'virtio-blk-pci', id: 'vda', drive: 'thr' });
    expect(qmp(m, 'blockdev-mirror', { 'job-id': 'm', device: 'thr', target: 'tgt', sync: 'full', replaces: 'src' })).toEqual({ return: {} });
    advanceJob(m, 'm', 'settle');
    qmp(m, 'job-complete', { id: 'm' });
    expect(deviceRoot(m)).toBe('thr');
    expect(node(m, 'thr').child('file')).toBe(node(m, 'tgt'));
    expect(m.graph.parents(node(m, 'src'))).toEqual([]);
  });
});
