import { describe, expect, it } from 'vitest';
import { bitmaps } from '../io/test-support.ts';
import { qemuIo } from '../io/qemu-io.ts';
import { size } from '../size.ts';
import { advanceJob } from './advance.ts';
import { chain, headerChain, chainAfterRestart, guest, imageData, node, qmp, takeEvents } from './test-chain.ts';

const M = (n: number) => n * 1024 * 1024;

describe('block-commit, intermediate (reference 4.3)', () => {
  it('commits mid into base with ordinary writes: base bitmap records it, top is relinked to base', () => {
    const m = chain();
    const b = bitmaps(m, 'top', 'mid', 'base');
    expect(qmp(m, 'block-commit', { 'job-id': 'c', device: 'top', 'top-node': 'mid', 'base-node': 'base' })).toEqual({ return: {} });
    const filter = node(m, 'top').child('backing');
    expect([filter?.driver.name, filter?.implicit, filter?.child('backing')?.nodeName]).toEqual(['commit_top', true, 'mid']);
    expect(advanceJob(m, 'c', 'settle')).toEqual({ ok: true, chunks: 8, status: 'null' });
    expect(takeEvents(m)).toEqual([
      'created',
      'running',
      'waiting',
      'pending',
      { event: 'BLOCK_JOB_COMPLETED', data: { type: 'commit', device: 'c', len: M(4), offset: M(4), speed: 0 } },
      'concluded',
      'null',
    ]);
    expect([b.base?.count, b.mid?.count, b.top?.count]).toEqual([size('512K'), 0, 0]);
    expect([...(b.base?.contents?.extents() ?? [])]).toEqual([{ offset: M(1), length: size('512K') }]);
    expect(node(m, 'top').child('backing')).toBe(node(m, 'base'));
    expect(m.graph.nodes().map((n) => String(n.driver.name))).not.toContain('commit_top');
    expect(m.graph.backends().filter((be) => be.owner.kind === 'internal')).toEqual([]);
    // mid is monitor-owned: detached but alive, bitmap intact (probed).
    expect(node(m, 'mid').dirtyBitmaps).toEqual([b.mid]);
    expect(qemuIo(m, node(m, 'top'), 'read -P 0xcc 1M 512K')).toEqual({ ok: true });
  });

  it('an implicitly opened top leaves the graph with its bitmaps; the monitor-owned base stays', () => {
    const m = chain();
    // top2 over an implicit header chain: c-top.qcow2 <- c-mid.qcow2 <- c-base.qcow2.
    headerChain(m);
    const mid2 = node(m, 'top2').child('backing');
    const base2 = mid2?.child('backing');
    qmp(m, 'block-commit', { 'job-id': 'c', device: 'top2', 'top-node': mid2?.nodeName, 'base-node': base2?.nodeName });
    advanceJob(m, 'c', 'settle');
    expect(node(m, 'top2').child('backing')).toBe(base2);
    expect(m.graph.node(mid2?.nodeName ?? '')).toBeUndefined();
    expect(m.graph.node(base2?.nodeName ?? '')).toBe(base2);
  });

  it('a disabled base bitmap is left alone (the libvirt pattern)', () => {
    const m = chain();
    const b = bitmaps(m, 'base');
    b.base?.disable();
    qmp(m, 'block-commit', { 'job-id': 'c', device: 'top', 'top-node': 'mid' });
    advanceJob(m, 'c', 'settle');
    expect(b.base?.count).toBe(0);
  });

  it('grows a shorter base first: its bitmaps are resized, not dirtied by the growth', () => {
    const m = chain('qemu-7.2', { base: '2M' });
    const b = bitmaps(m, 'base');
    qmp(m, 'block-commit', { 'job-id': 'c', device: 'top', 'top-node': 'mid' });
    advanceJob(m, 'c', { chunks: 1 });
    expect([node(m, 'base').length(), b.base?.size, b.base?.count]).toEqual([M(4), M(4), 0]);
  });

  it('guest writes between chunks land in top and are not committed', () => {
    const m = chain();
    const b = bitmaps(m, 'top', 'base');
    qmp(m, 'block-commit', { 'job-id': 'c', device: 'top', 'top-node': 'mid' });
    advanceJob(m, 'c', { chunks: 2 });
    guest(m, 'write -P 0x11 1M 64K');
    advanceJob(m, 'c', 'settle');
    expect([b.top?.count, b.base?.count]).toEqual([size('64K'), size('512K')]);
    expect(qemuIo(m, node(m, 'base'), 'read -P 0xcc 1M 64K')).toEqual({ ok: true });
    expect(qemuIo(m, node(m, 'top'), 'read -P 0x11 1M 64K')).toEqual({ ok: true });
  });

  it('cancel after a chunk: filter removed, chain unchanged, what reached base stays', () => {
    const m = chain();
    const b = bitmaps(m, 'base');
    // Data at mid's start: the first iteration copies exactly that allocated run.
    qemuIo(m, node(m, 'mid'), 'write -P 0x22 0 64K');
    qmp(m, 'block-commit', { 'job-id': 'c', device: 'top', 'top-node': 'mid', 'auto-dismiss': false });
    advanceJob(m, 'c', { chunks: 1 });
    takeEvents(m);
    expect(qmp(m, 'block-job-cancel', { device: 'c' })).toEqual({ return: {} });
    expect(takeEvents(m)).toEqual([
      'aborting',
      { event: 'BLOCK_JOB_CANCELLED', data: { type: 'commit', device: 'c', len: M(4), offset: size('64K'), speed: 0 } },
      'concluded',
    ]);
    expect(qmp(m, 'query-jobs')).toEqual({
      return: [{ id: 'c', type: 'commit', status: 'concluded', 'current-progress': size('64K'), 'total-progress': M(4), error: 'Operation canceled' }],
    });
    expect(node(m, 'top').child('backing')).toBe(node(m, 'mid'));
    expect(b.base?.count).toBe(size('64K'));
    expect(imageData(m, 'base.qcow2')).toContainEqual({ start: 0, end: size('64K'), byte: 0x22 });
  });

  it('auto-finalize=false: commit_top stays listed until job-finalize', () => {
    const m = chain();
    qmp(m, 'block-commit', { 'job-id': 'c', device: 'top', 'top-node': 'mid', 'filter-node-name': 'ct', 'auto-finalize': false });
    advanceJob(m, 'c', 'settle');
    const listed = qmp(m, 'query-named-block-nodes');
    expect('return' in listed && (listed.return as { 'node-name': string; drv: string }[])[0]).toMatchObject({ 'node-name': 'ct', drv: 'commit_top' });
    expect(takeEvents(m).at(-1)).toEqual({ event: 'BLOCK_JOB_PENDING', data: { type: 'commit', id: 'c' } });
    expect(qmp(m, 'block-job-complete', { device: 'c' })).toEqual({ error: { class: 'GenericError', desc: "Job 'c' in state 'pending' cannot accept command verb 'complete'" } });
    expect(qmp(m, 'block-job-finalize', { id: 'c' })).toEqual({ return: {} });
    expect(m.graph.node('ct')).toBeUndefined();
    expect(node(m, 'top').child('backing')).toBe(node(m, 'base'));
  });

  it('a write error with on-error=stop pauses the job with BLOCK_JOB_ERROR; resume retries', () => {
    const m = chain();
    node(m, 'base').readOnly = true;
    qmp(m, 'block-commit', { 'job-id': 'c', device: 'top', 'top-node': 'mid', 'on-error': 'stop' });
    // commit reopens base read-write; make the write fail another way: base's bitmap is readonly.
    const b = bitmaps(m, 'base');
    expect(node(m, 'base').readOnly).toBe(false);
    b.base?.setReadonly(true);
    advanceJob(m, 'c', 'settle');
    expect(takeEvents(m).slice(2)).toEqual([{ event: 'BLOCK_JOB_ERROR', data: { device: 'c', operation: 'write', action: 'stop' } }, 'paused']);
    expect(qmp(m, 'query-block-jobs')).toMatchObject({ return: [{ status: 'paused', paused: true, 'io-status': 'failed', offset: M(1) }] });
    b.base?.setReadonly(false);
    qmp(m, 'block-job-resume', { device: 'c' });
    expect(advanceJob(m, 'c', 'settle')).toMatchObject({ status: 'null' });
    expect(node(m, 'base').readOnly).toBe(true);
  });
});

describe('block-commit argument errors (probed on 7.2.22)', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ 'job-id': 'c', device: 'top', 'top-node': 'base' }, 'cannot commit an image into itself'],
    [{ 'job-id': 'c', device: 'top', 'top-node': 'mid', 'base-node': 'mid' }, 'cannot commit an image into itself'],
    [{ 'job-id': 'c', device: 'top', 'top-node': 'nope' }, "Cannot find device='' nor node-name='nope'"],
    [{ 'job-id': 'c', device: 'top', 'base-node': 'nope' }, "Cannot find device='' nor node-name='nope'"],
    [{ 'job-id': 'c', device: 'top', top: 'mid', 'top-node': 'mid' }, "'top-node' and 'top' are mutually exclusive"],
    [{ 'job-id': 'c', device: 'top', base: 'base', 'base-node': 'base', 'top-node': 'mid' }, "'base-node' and 'base' are mutually exclusive"],
    [{ 'job-id': 'c', device: 'top', top: 'nope' }, 'Top image file nope not found'],
    [{ 'job-id': 'c', device: 'top', base: 'nope', 'top-node': 'mid' }, "Can't find 'nope' in the backing chain"],
    [{ 'job-id': 'c', device: 'top', 'top-node': 'mid', speed: -5 }, "Parameter 'speed' expects a non-negative value"],
    [{ 'job-id': 'c', device: 'top', 'top-node': 'top-file' }, "'top-file' is not in this backing file chain"],
    [{ 'job-id': 'c', device: 'top', 'top-node': 'mid', 'base-node': 'top' }, "'top' is not in this backing file chain"],
    [{ 'job-id': 'c', device: 'mid', 'top-node': 'top' }, 'Need a root block node'],
    [{ 'job-id': 'c', device: 'base' }, 'Need a root block node'],
    [{ device: 'top', 'top-node': 'mid' }, "Invalid job ID ''"],
    [{ 'job-id': 'c', device: 'top', 'top-node': 'mid', 'filter-node-name': 'mid' }, "Duplicate nodes with node-name='mid'"],
  ];
  it.each(cases)('%o', (args, desc) => {
    const m = chain();
    expect(qmp(m, 'block-commit', args)).toEqual({ error: { class: 'GenericError', desc } });
    expect(m.events).toEqual([]);
    expect(node(m, 'top').child('backing')).toBe(node(m, 'mid'));
  });

  it('a running commit holds the root it was started on: a second commit there is refused as not a root', () => {
    const m = chain();
    qmp(m, 'block-commit', { 'job-id': 'c', device: 'top', 'top-node': 'mid', 'base-node': 'base' });
    expect(qmp(m, 'block-commit', { 'job-id': 'd', device: 'top', 'top-node': 'mid' })).toEqual({ error: { class: 'GenericError', desc: 'Need a root block node' } });
    advanceJob(m, 'c', 'settle');
    // Released at the end: the lookup passes and the next check speaks (mid has left the chain).
    expect(qmp(m, 'block-commit', { 'job-id': 'd', device: 'top', 'top-node': 'mid' })).toEqual({ error: { class: 'GenericError', desc: "'mid' is not in this backing file chain" } });
  });

  it('an unknown device is DeviceNotFound', () => {
    expect(qmp(chain(), 'block-commit', { 'job-id': 'c', device: 'nope' })).toEqual({ error: { class: 'DeviceNotFound', desc: "Device 'nope' not found" } });
  });
});

describe("block-commit rewrites the overlay's backing file (bdrv_drop_intermediate, probed with qemu-img info on 7.2.22)", () => {
  const headers = (m: ReturnType<typeof chain>) =>
    ['top.qcow2', 'mid.qcow2'].map((f) => {
      const image = m.images.get(f);
      return image?.format === 'qcow2' ? [image.backingFile, image.backingFormat] : undefined;
    });

  it("top's header names base, mid's is untouched, and a restart opens top over base", () => {
    const m = chain();
    qmp(m, 'block-commit', { 'job-id': 'c', device: 'top', 'top-node': 'mid', 'base-node': 'base' });
    expect(advanceJob(m, 'c', 'settle')).toMatchObject({ ok: true, status: 'null' });
    expect(headers(m)).toEqual([['base.qcow2', 'qcow2'], ['base.qcow2', 'qcow2']]);
    expect(chainAfterRestart(m, 'top.qcow2')).toEqual(['top.qcow2', 'base.qcow2']);
  });

  it('backing-file is written as given', () => {
    const m = chain();
    qmp(m, 'block-commit', { 'job-id': 'c', device: 'top', 'top-node': 'mid', 'base-node': 'base', 'backing-file': 'other.qcow2' });
    advanceJob(m, 'c', 'settle');
    expect(headers(m)[0]).toEqual(['other.qcow2', 'qcow2']);
  });

  it('a cancelled commit leaves the header alone', () => {
    const m = chain();
    qmp(m, 'block-commit', { 'job-id': 'c', device: 'top', 'top-node': 'mid', 'base-node': 'base' });
    expect(qmp(m, 'block-job-cancel', { device: 'c' })).toEqual({ return: {} });
    expect(chainAfterRestart(m, 'top.qcow2')).toEqual(['top.qcow2', 'mid.qcow2', 'base.qcow2']);
  });
});
