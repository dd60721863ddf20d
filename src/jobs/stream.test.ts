import { describe, expect, it } from 'vitest';
import { bitmaps } from '../io/test-support.ts';
import { qemuIo } from '../io/qemu-io.ts';
import { size } from '../size.ts';
import { advanceJob } from './advance.ts';
import { chain, headerChain, chainAfterRestart, guest, imageData, node, qmp, takeEvents } from './test-chain.ts';

const M = (n: number) => n * 1024 * 1024;

describe('block-stream (reference 4.2)', () => {
  it('whole chain: statuses created..null, data in top, top detached from mid, top bitmap clean', () => {
    const m = chain();
    const b = bitmaps(m, 'top', 'mid', 'base', 'top-file');
    expect(qmp(m, 'block-stream', { 'job-id': 's', device: 'top' })).toEqual({ return: {} });
    // Started, nothing copied yet; the COR filter sits above top, under the guest device.
    expect(takeEvents(m)).toEqual(['created', 'running']);
    const filter = m.graph.device('vda')?.root;
    expect([filter?.driver.name, filter?.implicit, filter?.child('file')?.nodeName]).toEqual(['copy-on-read', true, 'top']);
    expect(imageData(m, 'top.qcow2')).toEqual([]);
    expect(advanceJob(m, 's', 'settle')).toEqual({ ok: true, chunks: 8, status: 'null' });
    expect(takeEvents(m)).toEqual([
      'waiting',
      'pending',
      { event: 'BLOCK_JOB_COMPLETED', data: { type: 'stream', device: 's', len: M(4), offset: M(4), speed: 0 } },
      'concluded',
      'null',
    ]);
    expect(imageData(m, 'top.qcow2')).toEqual([
      { start: 0, end: M(1), byte: 0xaa },
      { start: M(1), end: M(1.5), byte: 0xcc },
      { start: M(2), end: M(3), byte: 0xbb },
    ]);
    const top = node(m, 'top');
    expect(top.child('backing')).toBeUndefined();
    expect(m.graph.device('vda')?.root).toBe(top);
    expect(m.graph.nodes().some((n) => n.driver.name === 'copy-on-read')).toBe(false);
    // COR writes at top itself skip its bitmaps; its protocol node is written (unmodelled offsets).
    expect([b.top?.count, b.mid?.count, b.base?.count]).toEqual([0, 0, 0]);
    expect(b['top-file']?.unmodelled).toBeDefined();
    // mid is monitor-owned: it survives, detached, with its bitmap and its own backing.
    expect(node(m, 'mid').dirtyBitmaps).toEqual([b.mid]);
    expect(node(m, 'mid').child('backing')).toBe(node(m, 'base'));
    expect(qmp(m, 'query-jobs')).toEqual({ return: [] });
  });

  it('a guest write between chunks is never overwritten and is the only thing top records', () => {
    const m = chain();
    const b = bitmaps(m, 'top');
    qmp(m, 'block-stream', { 'job-id': 's', device: 'top' });
    expect(advanceJob(m, 's', { chunks: 1 })).toEqual({ ok: true, chunks: 1, status: 'running' });
    expect(qmp(m, 'query-jobs')).toEqual({
      return: [{ id: 's', type: 'stream', status: 'running', 'current-progress': size('512K'), 'total-progress': M(4) }],
    });
    guest(m, 'write -P 0x11 2100K 4K');
    advanceJob(m, 's', 'settle');
    expect(qemuIo(m, node(m, 'top'), 'read -P 0x11 2100K 4K')).toEqual({ ok: true });
    expect(qemuIo(m, node(m, 'top'), 'read -P 0xbb 2M 52K')).toEqual({ ok: true });
    expect([...(b.top?.contents?.extents() ?? [])]).toEqual([{ offset: M(2), length: size('64K') }]);
  });

  it('a guest read through the filter copies only what lies above the base overlay', () => {
    const m = chain();
    qmp(m, 'block-stream', { 'job-id': 's', device: 'top', 'base-node': 'base' });
    guest(m, 'read -P 0xaa 0 1M');
    expect(imageData(m, 'top.qcow2')).toEqual([]);
    guest(m, 'read -P 0xcc 1M 512K');
    expect(imageData(m, 'top.qcow2')).toEqual([{ start: M(1), end: M(1.5), byte: 0xcc }]);
  });

  it('base-node: copies only the layers above it and makes it top\'s backing', () => {
    const m = chain();
    node(m, 'mid').setChild('backing', undefined);
    qmp(m, 'block-stream', { 'job-id': 's', device: 'top', 'base-node': 'mid' });
    advanceJob(m, 's', 'settle');
    // Nothing between top and mid: len 0, top keeps mid (probed: len 0, offset 0).
    expect(takeEvents(m)).toContainEqual({ event: 'BLOCK_JOB_COMPLETED', data: { type: 'stream', device: 's', len: 0, offset: 0, speed: 0 } });
    expect(node(m, 'top').child('backing')).toBe(node(m, 'mid'));
  });

  it('bottom: streams down to and including it, then base below it becomes the backing', () => {
    const m = chain();
    qmp(m, 'block-stream', { 'job-id': 's', device: 'top', bottom: 'mid' });
    advanceJob(m, 's', 'settle');
    expect(imageData(m, 'top.qcow2')).toEqual([{ start: M(1), end: M(1.5), byte: 0xcc }]);
    expect(node(m, 'top').child('backing')).toBe(node(m, 'base'));
    expect(qemuIo(m, node(m, 'top'), 'read -P 0xaa 0 1M')).toEqual({ ok: true });
  });

  it('auto-finalize=false, auto-dismiss=false: waits in pending, then concluded, per command', () => {
    const m = chain();
    qmp(m, 'block-stream', { 'job-id': 's', device: 'top', 'auto-finalize': false, 'auto-dismiss': false });
    expect(advanceJob(m, 's', 'settle')).toMatchObject({ status: 'pending' });
    expect(takeEvents(m)).toEqual(['created', 'running', 'waiting', 'pending', { event: 'BLOCK_JOB_PENDING', data: { type: 'stream', id: 's' } }]);
    // prepare has not run: the filter and the old backing are still there.
    expect(node(m, 'top').child('backing')).toBe(node(m, 'mid'));
    expect(qmp(m, 'query-block-jobs')).toEqual({
      return: [{
        type: 'stream', device: 's', len: M(4), offset: M(4), busy: false, paused: false, speed: 0,
        'io-status': 'ok', ready: false, status: 'pending', 'auto-finalize': false, 'auto-dismiss': false,
      }],
    });
    expect(qmp(m, 'job-dismiss', { id: 's' })).toEqual({ error: { class: 'GenericError', desc: "Job 's' in state 'pending' cannot accept command verb 'dismiss'" } });
    expect(qmp(m, 'job-complete', { id: 's' })).toEqual({ error: { class: 'GenericError', desc: "Job 's' in state 'pending' cannot accept command verb 'complete'" } });
    expect(qmp(m, 'job-finalize', { id: 's' })).toEqual({ return: {} });
    expect(takeEvents(m)).toEqual([{ event: 'BLOCK_JOB_COMPLETED', data: { type: 'stream', device: 's', len: M(4), offset: M(4), speed: 0 } }, 'concluded']);
    expect(node(m, 'top').child('backing')).toBeUndefined();
    expect(qmp(m, 'job-cancel', { id: 's' })).toEqual({ error: { class: 'GenericError', desc: "Job 's' in state 'concluded' cannot accept command verb 'cancel'" } });
    expect(qmp(m, 'block-job-dismiss', { id: 's' })).toEqual({ return: {} });
    expect(takeEvents(m)).toEqual(['null']);
    expect(qmp(m, 'query-block-jobs')).toEqual({ return: [] });
  });

  it('cancel in pending: aborting, CANCELLED, concluded, null; the backing stays, copied data stays', () => {
    const m = chain();
    qmp(m, 'block-stream', { 'job-id': 's', device: 'top', 'auto-finalize': false });
    advanceJob(m, 's', 'settle');
    takeEvents(m);
    expect(qmp(m, 'block-job-cancel', { device: 's' })).toEqual({ return: {} });
    expect(takeEvents(m)).toEqual([
      'aborting',
      { event: 'BLOCK_JOB_CANCELLED', data: { type: 'stream', device: 's', len: M(4), offset: M(4), speed: 0 } },
      'concluded',
      'null',
    ]);
    expect(node(m, 'top').child('backing')).toBe(node(m, 'mid'));
    expect(m.graph.device('vda')?.root).toBe(node(m, 'top'));
    expect(imageData(m, 'top.qcow2')).toHaveLength(3);
  });

  it('cancel while running stops at once: progress stays at the chunks run', () => {
    const m = chain();
    qmp(m, 'block-stream', { 'job-id': 's', device: 'top' });
    advanceJob(m, 's', { chunks: 1 });
    takeEvents(m);
    qmp(m, 'job-cancel', { id: 's' });
    expect(takeEvents(m)).toEqual([
      'aborting',
      { event: 'BLOCK_JOB_CANCELLED', data: { type: 'stream', device: 's', len: M(4), offset: size('512K'), speed: 0 } },
      'concluded',
      'null',
    ]);
    expect(imageData(m, 'top.qcow2')).toEqual([{ start: 0, end: size('512K'), byte: 0xaa }]);
  });

  it('pause holds the job; block-job-cancel of a paused job needs force', () => {
    const m = chain();
    qmp(m, 'block-stream', { 'job-id': 's', device: 'top' });
    expect(qmp(m, 'block-job-pause', { device: 's' })).toEqual({ return: {} });
    expect(qmp(m, 'job-pause', { id: 's' })).toEqual({ error: { class: 'GenericError', desc: 'Job is already paused' } });
    expect(advanceJob(m, 's', 'settle')).toEqual({ ok: true, chunks: 0, status: 'paused' });
    expect(qmp(m, 'block-job-cancel', { device: 's' })).toEqual({ error: { class: 'GenericError', desc: "The block job for device 's' is currently paused" } });
    expect(qmp(m, 'job-resume', { id: 's' })).toEqual({ return: {} });
    expect(qmp(m, 'job-resume', { id: 's' })).toEqual({ error: { class: 'GenericError', desc: "Can't resume a job that was not paused" } });
    expect(takeEvents(m)).toEqual(['created', 'running', 'paused', 'running']);
    qmp(m, 'job-pause', { id: 's' });
    expect(qmp(m, 'block-job-cancel', { device: 's', force: true })).toEqual({ return: {} });
    expect(takeEvents(m).slice(0, 3)).toEqual(['paused', 'running', 'aborting']);
  });

  it('a read-only top is streamed read-write and reopened read-only afterwards', () => {
    const m = chain();
    node(m, 'mid').readOnly = true;
    qmp(m, 'block-stream', { 'job-id': 's', device: 'mid' });
    expect(node(m, 'mid').readOnly).toBe(false);
    advanceJob(m, 's', 'settle');
    expect([node(m, 'mid').readOnly, node(m, 'mid').child('backing')]).toEqual([true, undefined]);
    expect(imageData(m, 'mid.qcow2')).toEqual([
      { start: 0, end: M(1), byte: 0xaa },
      { start: M(1), end: M(1.5), byte: 0xcc },
      { start: M(2), end: M(3), byte: 0xbb },
    ]);
  });

  it('implicitly opened intermediates are closed with their bitmaps', () => {
    const m = chain();
    const add = qmp(m, 'query-named-block-nodes');
    expect('return' in add).toBe(true);
    // A second top opened from the image header: its backing chain is implicit.
    headerChain(m);
    const implicitMid = node(m, 'top2').child('backing');
    expect(implicitMid?.implicit).toBe(true);
    qmp(m, 'block-stream', { 'job-id': 's', device: 'top2' });
    advanceJob(m, 's', 'settle');
    expect(m.graph.nodes().filter((n) => n.implicit && n.driver.name === 'qcow2')).toEqual([]);
  });
});

describe('block-stream read errors (on-error)', () => {
  /** top's backing becomes a blkdebug filter over mid failing the first read of mid's data at 1M. */
  function failingChain() {
    const m = chain();
    qmp(m, 'blockdev-add', { driver: 'blkdebug', 'node-name': 'dbg', image: 'mid', 'inject-error': [{ event: 'read_aio', sector: 2048, once: true }] });
    node(m, 'top').setChild('backing', node(m, 'dbg'));
    return m;
  }
  const failed = (offset: number) => ({
    event: 'BLOCK_JOB_COMPLETED',
    data: { type: 'stream', device: 's', len: M(4), offset, speed: 0, error: 'Input/output error' },
  });

  it('report: BLOCK_JOB_ERROR, then the job fails and top keeps its backing', () => {
    const m = failingChain();
    qmp(m, 'block-stream', { 'job-id': 's', device: 'top' });
    advanceJob(m, 's', 'settle');
    expect(takeEvents(m).slice(2)).toEqual([
      { event: 'BLOCK_JOB_ERROR', data: { device: 's', operation: 'read', action: 'report' } },
      'aborting',
      failed(M(1)),
      'concluded',
      'null',
    ]);
    expect(node(m, 'top').child('backing')).toBe(node(m, 'dbg'));
  });

  it('ignore: the stream goes on to the end but still fails, keeping the backing', () => {
    const m = failingChain();
    qmp(m, 'block-stream', { 'job-id': 's', device: 'top', 'on-error': 'ignore' });
    advanceJob(m, 's', 'settle');
    const events = takeEvents(m);
    expect(events[2]).toEqual({ event: 'BLOCK_JOB_ERROR', data: { device: 's', operation: 'read', action: 'ignore' } });
    expect(events.slice(3)).toEqual(['aborting', failed(M(4)), 'concluded', 'null']);
    expect(imageData(m, 'top.qcow2')).toEqual([
      { start: 0, end: M(1), byte: 0xaa },
      { start: M(2), end: M(3), byte: 0xbb },
    ]);
    expect(node(m, 'top').child('backing')).toBe(node(m, 'dbg'));
  });
});

describe('block-stream argument errors (probed on 7.2.22)', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ device: 'nope' }, "Cannot find device='nope' nor node-name='nope'"],
    [{ device: 'top' }, "Invalid job ID ''"],
    [{ 'job-id': '1s', device: 'top' }, "Invalid job ID '1s'"],
    [{ 'job-id': 's', device: 'top', base: 'base', 'base-node': 'base' }, "'base' and 'base-node' cannot be specified at the same time"],
    [{ 'job-id': 's', device: 'top', base: 'base', bottom: 'mid' }, "'base' and 'bottom' cannot be specified at the same time"],
    [{ 'job-id': 's', device: 'top', 'base-node': 'base', bottom: 'mid' }, "'bottom' and 'base-node' cannot be specified at the same time"],
    [{ 'job-id': 's', device: 'top', base: 'nope' }, "Can't find 'nope' in the backing chain"],
    [{ 'job-id': 's', device: 'top', 'base-node': 'nope' }, "Cannot find device='' nor node-name='nope'"],
    [{ 'job-id': 's', device: 'top', bottom: 'nope' }, "Cannot find device='' nor node-name='nope'"],
    [{ 'job-id': 's', device: 'top', 'base-node': 'top' }, "Node 'top' is not a backing image of 'top'"],
    [{ 'job-id': 's', device: 'top', 'base-node': 'top-file' }, "Node 'top-file' is not a backing image of 'top'"],
    [{ 'job-id': 's', device: 'top', bottom: 'top-file' }, "Node 'top-file' is not in a chain starting from 'top'"],
    [{ 'job-id': 's', device: 'mid', 'base-node': 'top' }, "Node 'top' is not a backing image of 'mid'"],
    [{ 'job-id': 's', device: 'top', 'backing-file': 'x' }, 'backing file specified, but streaming the entire chain'],
    [{ 'job-id': 's', device: 'top', speed: -1 }, "Parameter 'speed' expects a non-negative value"],
    [{ 'job-id': 's', device: 'top', 'filter-node-name': 'top' }, "Could not create node: Duplicate nodes with node-name='top'"],
    [{ 'job-id': 's', device: 'top', 'filter-node-name': '1x' }, "Could not create node: Invalid node-name: '1x'"],
  ];
  it.each(cases)('%o', (args, desc) => {
    const m = chain();
    expect(qmp(m, 'block-stream', args)).toEqual({ error: { class: 'GenericError', desc } });
    expect(m.events).toEqual([]);
    expect(m.graph.device('vda')?.root).toBe(node(m, 'top'));
  });

  it('a second job on the same chain finds the nodes busy; the same id is in use', () => {
    const m = chain();
    qmp(m, 'block-stream', { 'job-id': 's', device: 'top', 'filter-node-name': 'cor' });
    expect(qmp(m, 'block-stream', { 'job-id': 't', device: 'top' })).toEqual({
      error: { class: 'GenericError', desc: "Node 'top' is busy: block device is in use by block job: stream" },
    });
    expect(qmp(m, 'block-stream', { 'job-id': 't', device: 'base' })).toEqual({
      error: { class: 'GenericError', desc: "Node 'base' is busy: block device is in use by block job: stream" },
    });
    qmp(m, 'blockdev-add', { driver: 'null-co', 'node-name': 'other' });
    expect(qmp(m, 'block-stream', { 'job-id': 's', device: 'other' })).toEqual({ error: { class: 'GenericError', desc: "Job ID 's' already in use" } });
    expect(node(m, 'cor').implicit).toBe(false);
  });
});

describe("block-stream rewrites top's backing file (stream_prepare, probed with qemu-img info on 7.2.22)", () => {
  const header = (m: ReturnType<typeof chain>) => {
    const image = m.images.get('top.qcow2');
    return image?.format === 'qcow2' ? [image.backingFile, image.backingFormat] : undefined;
  };
  const stream = (args: Record<string, unknown>) => {
    const m = chain();
    expect(qmp(m, 'block-stream', { 'job-id': 's', device: 'top', ...args })).toEqual({ return: {} });
    expect(advanceJob(m, 's', 'settle')).toMatchObject({ ok: true, status: 'null' });
    return m;
  };

  it('base-node: the header names base, and a restart opens top over base without mid', () => {
    const m = stream({ 'base-node': 'base' });
    expect(header(m)).toEqual(['base.qcow2', 'qcow2']);
    expect(chainAfterRestart(m, 'top.qcow2')).toEqual(['top.qcow2', 'base.qcow2']);
  });

  it('bottom: the header names the node below bottom', () => {
    expect(header(stream({ bottom: 'mid' }))).toEqual(['base.qcow2', 'qcow2']);
  });

  it('the whole chain: the header names no backing file, so a restart opens top alone', () => {
    const m = stream({});
    expect(header(m)).toEqual([undefined, undefined]);
    expect(chainAfterRestart(m, 'top.qcow2')).toEqual(['top.qcow2']);
  });

  it('backing-file is written as given, with base\'s format, even when base already was the backing', () => {
    expect(header(stream({ 'base-node': 'mid', 'backing-file': 'elsewhere.qcow2' }))).toEqual(['elsewhere.qcow2', 'qcow2']);
  });

  it('a failed stream leaves the header alone', () => {
    const m = chain();
    qmp(m, 'block-stream', { 'job-id': 's', device: 'top', 'base-node': 'base' });
    expect(qmp(m, 'block-job-cancel', { device: 's' })).toEqual({ return: {} });
    expect(header(m)).toEqual(['mid.qcow2', 'qcow2']);
    expect(chainAfterRestart(m, 'top.qcow2')).toEqual(['top.qcow2', 'mid.qcow2', 'base.qcow2']);
  });
});
