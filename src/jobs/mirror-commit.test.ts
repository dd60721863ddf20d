import { describe, expect, it } from 'vitest';
import { qemuIo } from '../io/qemu-io.ts';
import { size } from '../size.ts';
import { advanceJob } from './advance.ts';
import { bitmapOn, deviceRoot } from './mirror-fixture.ts';
import { chain, guest, node, qmp, takeEvents } from './test-chain.ts';

const M = (n: number) => n * 1024 * 1024;
const K64 = size('64K');
const K512 = size('512K');
const event = (name: string, len: number) => ({ event: name, data: { type: 'commit', device: 'c', len, offset: len, speed: 0 } });

/** The chain with bitmaps `b` on base and `t` on top, added through QMP as in the probe. */
function committing(args: Record<string, unknown> = {}, sizes: { base?: string } = {}) {
  const m = chain('qemu-7.2', sizes);
  qmp(m, 'block-dirty-bitmap-add', { node: 'base', name: 'b' });
  qmp(m, 'block-dirty-bitmap-add', { node: 'top', name: 't' });
  expect(qmp(m, 'block-commit', { 'job-id': 'c', device: 'top', ...args })).toEqual({ return: {} });
  return m;
}

describe('block-commit of the active layer (reference 4.4, probed on 7.2.22)', () => {
  it('is a mirror of type commit: mirror_top above top, anonymous bitmap on top, base dirtied by what is committed', () => {
    const m = committing();
    expect(m.graph.device('vda')?.root?.driver.name).toBe('mirror_top');
    expect(bitmapOn(m, 'top', undefined)?.recording).toBe(true);
    expect(advanceJob(m, 'c', 'settle')).toMatchObject({ status: 'ready' });
    expect(takeEvents(m)).toEqual(['created', 'running', 'ready', event('BLOCK_JOB_READY', K512)]);
    expect([bitmapOn(m, 'base', 'b')?.count, bitmapOn(m, 'top', 't')?.count]).toEqual([K512, 0]);
    expect(qmp(m, 'query-block-jobs')).toMatchObject({ return: [{ type: 'commit', status: 'ready', ready: true }] });
  });

  it('guest writes dirty top and the anonymous bitmap; job-complete commits them and puts base under the device', () => {
    const m = committing({ 'auto-dismiss': false });
    advanceJob(m, 'c', 'settle');
    guest(m, 'write -P 0x11 3M 64K');
    expect([bitmapOn(m, 'top', 't')?.count, bitmapOn(m, 'top', undefined)?.count]).toEqual([K64, K64]);
    takeEvents(m);
    expect(qmp(m, 'job-complete', { id: 'c' })).toEqual({ return: {} });
    expect(takeEvents(m)).toEqual(['waiting', 'pending', event('BLOCK_JOB_COMPLETED', K512 + K64), 'concluded']);
    expect(deviceRoot(m)).toBe('base');
    expect(bitmapOn(m, 'base', 'b')?.count).toBe(K512 + K64);
    // top is monitor-owned: detached with its bitmap, which did not move.
    expect(node(m, 'top').dirtyBitmaps.map((b) => [b.name, b.count])).toEqual([['t', K64]]);
    expect(node(m, 'base').dirtyBitmaps.map((b) => b.name)).toEqual(['b']);
    expect(qemuIo(m, node(m, 'base'), 'read -P 0x11 3M 64K')).toEqual({ ok: true });
    expect(qemuIo(m, node(m, 'base'), 'read -P 0xcc 1M 512K')).toEqual({ ok: true });
    expect(qmp(m, 'query-jobs')).toEqual({ return: [{ id: 'c', type: 'commit', status: 'concluded', 'current-progress': K512 + K64, 'total-progress': K512 + K64 }] });
  });

  it('grows a shorter base first: its bitmap is resized, then dirtied only by what is committed', () => {
    const m = committing({}, { base: '2M' });
    advanceJob(m, 'c', { chunks: 1 });
    expect([node(m, 'base').length(), bitmapOn(m, 'base', 'b')?.size, bitmapOn(m, 'base', 'b')?.count]).toEqual([M(4), M(4), K512]);
  });

  it('soft cancel in READY: no pivot, COMPLETED, base keeps its dirty bits', () => {
    const m = committing();
    advanceJob(m, 'c', 'settle');
    takeEvents(m);
    qmp(m, 'block-job-cancel', { device: 'c' });
    expect(takeEvents(m)).toEqual(['waiting', 'pending', event('BLOCK_JOB_COMPLETED', K512), 'concluded', 'null']);
    expect(deviceRoot(m)).toBe('top');
    expect(node(m, 'top').child('backing')).toBe(node(m, 'mid'));
    expect(bitmapOn(m, 'base', 'b')?.count).toBe(K512);
    expect(bitmapOn(m, 'top', undefined)).toBeUndefined();
  });

  it('errors: backing-file with the active layer, the filter name before the job id (probed)', () => {
    const m = chain();
    expect(qmp(m, 'block-commit', { 'job-id': 'c', device: 'top', 'backing-file': 'x' })).toEqual({
      error: { class: 'GenericError', desc: "'backing-file' specified, but 'top' is the active layer" },
    });
    expect(qmp(m, 'block-commit', { 'job-id': '1', device: 'top', 'filter-node-name': 'mid' })).toEqual({
      error: { class: 'GenericError', desc: "Duplicate nodes with node-name='mid'" },
    });
    expect(qmp(m, 'block-commit', { device: 'top' })).toEqual({ error: { class: 'GenericError', desc: "Invalid job ID ''" } });
    expect(m.events).toEqual([]);
  });
});
