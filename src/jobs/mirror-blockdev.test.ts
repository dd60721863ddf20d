import { describe, expect, it } from 'vitest';
import { qemuIo } from '../io/qemu-io.ts';
import { size } from '../size.ts';
import { advanceJob } from './advance.ts';
import { bitmapOn, deviceRoot, mirrorMachine } from './mirror-fixture.ts';
import { chain, guest, node, qmp, takeEvents } from './test-chain.ts';

const M = (n: number) => n * 1024 * 1024;
const K64 = size('64K');

function driveMirror(m: ReturnType<typeof mirrorMachine>, args: Record<string, unknown>) {
  return qmp(m, 'drive-mirror', { 'job-id': 'd', device: 'src', target: 'dm.qcow2', sync: 'full', ...args });
}

describe('drive-mirror (probed on 7.2.22)', () => {
  it('creates the target like qemu-img (source size and format) and copies only the allocated data', () => {
    const m = mirrorMachine();
    expect(driveMirror(m, { 'node-name': 'dm' })).toEqual({ return: {} });
    expect(m.images.get('dm.qcow2')).toMatchObject({ format: 'qcow2', size: M(4) });
    // A new image reads as zeroes: no zeroing, the allocated 1M is all there is to copy.
    expect(advanceJob(m, 'd', { until: 'ready' })).toMatchObject({ status: 'ready' });
    expect(m.events.at(-1)).toEqual({ event: 'BLOCK_JOB_READY', data: { type: 'mirror', device: 'd', len: M(1), offset: M(1), speed: 0 } });
    qmp(m, 'job-complete', { id: 'd' });
    expect(deviceRoot(m)).toBe('dm');
    expect(qemuIo(m, node(m, 'dm'), 'read -P 0xaa 0 1M')).toEqual({ ok: true });
  });

  it('write-blocking: a guest write reaches the target bitmap at once (reference probe: 1048576 -> 1114112)', () => {
    const m = mirrorMachine();
    driveMirror(m, { 'node-name': 'dm', 'copy-mode': 'write-blocking' });
    qmp(m, 'block-dirty-bitmap-add', { node: 'dm', name: 'd0' });
    advanceJob(m, 'd', { until: 'ready' });
    expect(bitmapOn(m, 'dm', 'd0')?.count).toBe(M(1));
    guest(m, 'write -P 0x11 3M 64K');
    expect([bitmapOn(m, 'dm', 'd0')?.count, bitmapOn(m, 'src', undefined)?.count]).toEqual([M(1) + K64, 0]);
  });

  it('sync=none: the new image has the source as backing file, attached at the end', () => {
    const m = mirrorMachine();
    driveMirror(m, { 'node-name': 'dm', sync: 'none' });
    expect(m.images.get('dm.qcow2')).toMatchObject({ backingFile: 'src.qcow2', backingFormat: 'qcow2' });
    expect(node(m, 'dm').child('backing')).toBeUndefined();
    advanceJob(m, 'd', 'settle');
    qmp(m, 'job-complete', { id: 'd' });
    expect(deviceRoot(m)).toBe('dm');
    expect(node(m, 'dm').child('backing')).toBe(node(m, 'src'));
    expect(qemuIo(m, node(m, 'dm'), 'read -P 0xaa 0 1M')).toEqual({ ok: true });
  });

  it("sync=top: the target's backing is the source's backing; only the top's data is copied", () => {
    const m = chain();
    qmp(m, 'drive-mirror', { 'job-id': 'd', device: 'top', target: 'dm.qcow2', sync: 'top', 'node-name': 'dm' });
    expect(m.images.get('dm.qcow2')).toMatchObject({ backingFile: 'mid.qcow2' });
    guest(m, 'write -P 0x11 0 64K');
    advanceJob(m, 'd', 'settle');
    expect(m.events.at(-1)).toMatchObject({ event: 'BLOCK_JOB_READY', data: { len: K64 } });
    qmp(m, 'job-complete', { id: 'd' });
    expect(node(m, 'dm').child('backing')).toBe(node(m, 'mid'));
    expect(qemuIo(m, node(m, 'dm'), 'read -P 0xcc 1M 512K')).toEqual({ ok: true });
  });

  it('the implicitly opened old source is closed at the pivot: persistent bitmaps stored in its image, transient ones lost', () => {
    const m = mirrorMachine();
    driveMirror(m, { target: 'a.qcow2', 'node-name': 'a' });
    advanceJob(m, 'd', 'settle');
    qmp(m, 'job-complete', { id: 'd' });
    qmp(m, 'block-dirty-bitmap-add', { node: 'a', name: 'x' });
    qmp(m, 'block-dirty-bitmap-add', { node: 'a', name: 'p', persistent: true });
    expect(qmp(m, 'drive-mirror', { 'job-id': 'd', device: 'a', target: 'b.qcow2', sync: 'full', 'node-name': 'b' })).toEqual({ return: {} });
    advanceJob(m, 'd', 'settle');
    qmp(m, 'job-complete', { id: 'd' });
    expect(deviceRoot(m)).toBe('b');
    expect(m.graph.node('a')).toBeUndefined();
    const stored = m.images.get('a.qcow2');
    expect(stored?.format === 'qcow2' && stored.bitmaps.entries().map((e) => [e.name, e.auto, e.inUse])).toEqual([['p', true, false]]);
    expect(node(m, 'b').dirtyBitmaps).toEqual([]);
  });

  it('a cancelled mirror closes its implicit target; the created file stays', () => {
    const m = mirrorMachine();
    driveMirror(m, { 'node-name': 'dm' });
    qmp(m, 'job-cancel', { id: 'd' });
    expect(m.graph.node('dm')).toBeUndefined();
    expect(m.images.get('dm.qcow2')).toBeDefined();
  });

  const errors: [Record<string, unknown>, string, boolean][] = [
    [{ sync: 'incremental' }, "Sync mode 'incremental' not supported", true],
    [{ format: 'nope' }, "Unknown file format 'nope'", false],
    [{ 'node-name': 'src' }, "Duplicate nodes with node-name='src'", true],
    [{ granularity: 100 }, "Parameter 'granularity' expects a value in range [512B, 64MB]", true],
    [{ mode: 'existing', target: 'nope.qcow2' }, "Could not open 'nope.qcow2': No such file or directory", false],
    [{ replaces: 'src' }, 'a node-name must be provided when replacing a named node of the graph', false],
  ];
  it.each(errors)('%o', (args, desc, created) => {
    const m = mirrorMachine();
    expect(driveMirror(m, args)).toEqual({ error: { class: 'GenericError', desc } });
    expect(m.images.get(String(args['target'] ?? 'dm.qcow2')) !== undefined).toBe(created);
    expect(m.graph.nodes().map((n) => n.nodeName).filter((n) => !n.startsWith('#'))).toEqual(['src', 'tgt']);
    expect(takeEvents(m)).toEqual([]);
  });
});
