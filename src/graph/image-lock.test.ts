import { describe, expect, it } from 'vitest';
import { machineWith } from '../io/test-support.ts';
import type { Machine } from '../machine.ts';
import { qmpCommands } from '../qmp/commands/index.ts';
import { dispatch } from '../qmp/dispatcher.ts';
import { size } from '../size.ts';
import { checkLockBytes, createConflict, cumulativePerms, hostToolLockError, type Perms } from './image-lock.ts';

const qmp = (m: Machine, command: string, args: Record<string, unknown>) => dispatch(qmpCommands, m, command, args);
const OK = { return: {} };
const gen = (desc: string) => ({ error: { class: 'GenericError', desc } });
const WRITE = gen('Failed to get "write" lock');
const SHARED_WRITE = gen('Failed to get shared "write" lock');

function images(): Machine {
  return machineWith('qemu-7.2', [
    { filename: 'a.qcow2', format: 'qcow2', size: size('1M') },
    { filename: 'top.qcow2', format: 'qcow2', size: size('1M'), backingFile: 'a.qcow2', backingFormat: 'qcow2' },
    { filename: 'r.raw', format: 'raw', size: size('1M') },
  ]);
}

const qcow2 = (name: string, filename: string, extra: Record<string, unknown> = {}, file: Record<string, unknown> = {}) => ({
  driver: 'qcow2',
  'node-name': name,
  ...extra,
  file: { driver: 'file', filename, ...file },
});

const perms = (perm: string[], unshared: string[]) => ({ perm: new Set(perm), unshared: new Set(unshared) }) as Perms;

describe('raw_check_lock_bytes', () => {
  it('checks taken permissions first, then the unshared ones, in bit order', () => {
    const writer = perms(['consistent read', 'write', 'resize'], ['write', 'resize']);
    expect(checkLockBytes([writer], perms(['consistent read', 'write'], []))).toBe('Failed to get "write" lock');
    expect(checkLockBytes([writer], perms(['consistent read'], ['write', 'resize']))).toBe('Failed to get shared "write" lock');
    expect(checkLockBytes([perms(['resize'], [])], perms([], ['resize']))).toBe('Failed to get shared "resize" lock');
    expect(checkLockBytes([perms(['consistent read'], ['write'])], perms(['consistent read'], ['write']))).toBeUndefined();
    expect(checkLockBytes([], perms(['write'], ['write']))).toBeUndefined();
  });
});

describe('image locks between nodes of one instance (probed on 7.2.22)', () => {
  it('a second read-write or read-only qcow2 over an image open read-write fails', () => {
    const m = images();
    expect(qmp(m, 'blockdev-add', qcow2('a1', 'a.qcow2'))).toEqual(OK);
    expect(qmp(m, 'blockdev-add', qcow2('a2', 'a.qcow2'))).toEqual(WRITE);
    expect(qmp(m, 'blockdev-add', qcow2('a3', 'a.qcow2', { 'read-only': true }))).toEqual(SHARED_WRITE);
    expect(m.graph.nodes().map((n) => n.nodeName)).toEqual(['#block001', 'a1']);
  });

  it('read-only readers share; a writer after them needs the write they unshare', () => {
    const m = images();
    expect(qmp(m, 'blockdev-add', qcow2('b1', 'a.qcow2', { 'read-only': true }))).toEqual(OK);
    expect(qmp(m, 'blockdev-add', qcow2('b2', 'a.qcow2', { 'read-only': true }))).toEqual(OK);
    expect(qmp(m, 'blockdev-add', qcow2('b3', 'a.qcow2'))).toEqual(WRITE);
  });

  it('a bare file node or a raw node takes nothing until a device uses it', () => {
    const m = images();
    qmp(m, 'blockdev-add', qcow2('a1', 'a.qcow2'));
    expect(qmp(m, 'blockdev-add', { driver: 'file', 'node-name': 'f1', filename: 'a.qcow2' })).toEqual(OK);
    expect(qmp(m, 'blockdev-add', { driver: 'raw', 'node-name': 'r1', file: { driver: 'file', filename: 'r.raw' } })).toEqual(OK);
    expect(qmp(m, 'blockdev-add', qcow2('q', 'r.raw', { 'read-only': true }))).toEqual(gen('Image is not in qcow2 format'));
    expect(qmp(m, 'device_add', { driver: 'virtio-blk-pci', id: 'vd0', drive: 'r1' })).toEqual(OK);
    expect(qmp(m, 'blockdev-add', qcow2('q', 'r.raw', { 'read-only': true }))).toEqual(SHARED_WRITE);
    expect(qmp(m, 'blockdev-add', { driver: 'raw', 'node-name': 'r2', file: { driver: 'file', filename: 'r.raw' } })).toEqual(OK);
  });

  it('a device attaching takes its locks: refused while another node unshares write', () => {
    const m = images();
    qmp(m, 'blockdev-add', { driver: 'raw', 'node-name': 'r1', file: { driver: 'file', filename: 'r.raw' } });
    qmp(m, 'blockdev-add', { driver: 'raw', 'node-name': 'r2', file: { driver: 'file', filename: 'r.raw' } });
    expect(qmp(m, 'device_add', { driver: 'virtio-blk-pci', id: 'vd0', drive: 'r1' })).toEqual(OK);
    expect(qmp(m, 'device_add', { driver: 'virtio-blk-pci', id: 'vd1', drive: 'r2' })).toEqual(WRITE);
    expect(m.graph.device('vd1')).toBeUndefined();
  });

  it('locking=off and force-share on a read-only node take part in no conflict', () => {
    const m = images();
    qmp(m, 'blockdev-add', qcow2('a1', 'a.qcow2'));
    expect(qmp(m, 'blockdev-add', qcow2('a2', 'a.qcow2', {}, { locking: 'off' }))).toEqual(OK);
    expect(qmp(m, 'blockdev-add', qcow2('a3', 'a.qcow2', { 'read-only': true, 'force-share': true }))).toEqual(OK);
    expect(qmp(m, 'blockdev-add', qcow2('a4', 'a.qcow2', { 'force-share': true }))).toEqual(gen('force-share=on can only be used with read-only images'));
    expect(qmp(m, 'blockdev-add', qcow2('a5', 'a.qcow2', {}, { locking: 'bogus' }))).toEqual(gen("Parameter 'locking' does not accept value 'bogus'"));
  });

  it('a first node with locking=off holds nothing; the next ones lock among themselves', () => {
    const m = images();
    qmp(m, 'blockdev-add', qcow2('c1', 'a.qcow2', {}, { locking: 'off' }));
    expect(qmp(m, 'blockdev-add', qcow2('c2', 'a.qcow2', { 'read-only': true }))).toEqual(OK);
    expect(qmp(m, 'blockdev-add', qcow2('c3', 'a.qcow2'))).toEqual(WRITE);
  });

  it('the implicit read-only backing node of an image open read-write cannot lock', () => {
    const m = images();
    qmp(m, 'blockdev-add', qcow2('d1', 'a.qcow2'));
    expect(qmp(m, 'blockdev-add', qcow2('t1', 'top.qcow2'))).toEqual(gen('Could not open backing file: Failed to get shared "write" lock'));
    expect(qmp(m, 'blockdev-add', qcow2('t1', 'top.qcow2', { backing: 'd1' }))).toEqual(OK);
  });

  it('one tree opening the same image twice conflicts with itself', () => {
    const m = images();
    const inline = { ...qcow2('t1', 'top.qcow2'), backing: qcow2('b', 'top.qcow2', { 'read-only': true, backing: null }) };
    expect(qmp(m, 'blockdev-add', inline)).toEqual(gen('Could not open backing file: Failed to get shared "write" lock'));
    expect(m.graph.nodes()).toEqual([]);
  });

  it('closing the node releases its locks', () => {
    const m = images();
    qmp(m, 'blockdev-add', qcow2('n0', 'a.qcow2'));
    expect(qmp(m, 'blockdev-del', { 'node-name': 'n0' })).toEqual(OK);
    expect(qmp(m, 'blockdev-add', qcow2('n1', 'a.qcow2'))).toEqual(OK);
  });

  it('permissions come from the parents: storage, cow, filter and device rules', () => {
    const m = images();
    qmp(m, 'blockdev-add', { driver: 'raw', 'node-name': 'r1', file: { driver: 'file', 'node-name': 'rf', filename: 'r.raw' } });
    const rf = m.graph.node('rf')!;
    expect(cumulativePerms(m.graph, rf)).toEqual(perms([], []));
    qmp(m, 'device_add', { driver: 'virtio-blk-pci', id: 'vd0', drive: 'r1' });
    expect(cumulativePerms(m.graph, rf)).toEqual(perms(['consistent read', 'write'], ['write']));
    qmp(m, 'blockdev-add', qcow2('t', 'top.qcow2', { 'read-only': true, backing: null }, { 'node-name': 'tf' }));
    expect(cumulativePerms(m.graph, m.graph.node('tf')!)).toEqual(perms(['consistent read'], ['write', 'resize']));
  });

  it('creating an image over a locked file fails (raw_co_create)', () => {
    const m = images();
    expect(createConflict(m.graph, 'a.qcow2')).toBeUndefined();
    qmp(m, 'blockdev-add', qcow2('a1', 'a.qcow2', { 'read-only': true }));
    expect(createConflict(m.graph, 'a.qcow2')).toBe('Failed to get "write" lock');
  });
});

describe('a host tool against the instance holding its image (qemu-io -f FMT [-r], probed on 7.2.22)', () => {
  const raw = (extra: Record<string, unknown> = {}) => ({ driver: 'raw', 'node-name': 'r0', ...extra, file: { driver: 'file', filename: 'a.qcow2' } });
  const device = ['device_add', { driver: 'virtio-blk-pci', id: 'vd0', drive: 'r0' }] as const;
  const onN0 = ['device_add', { driver: 'virtio-blk-pci', id: 'vd0', drive: 'n0' }] as const;
  const W = 'Failed to get "write" lock\nIs another process using the image [a.qcow2]?';
  const SW = 'Failed to get shared "write" lock\nIs another process using the image [a.qcow2]?';
  // Columns: qcow2 read-write, qcow2 read-only, raw read-write, raw read-only.
  it.each([
    ['a qcow2 read-write', [['blockdev-add', qcow2('n0', 'a.qcow2')]], [W, SW, W, undefined]],
    ['a qcow2 read-only', [['blockdev-add', qcow2('n0', 'a.qcow2', { 'read-only': true })]], [W, undefined, W, undefined]],
    ['a bare file node', [['blockdev-add', { driver: 'file', 'node-name': 'f0', filename: 'a.qcow2' }]], [undefined, undefined, undefined, undefined]],
    ['a bare read-only file node', [['blockdev-add', { driver: 'file', 'node-name': 'f0', 'read-only': true, filename: 'a.qcow2' }]], [undefined, undefined, undefined, undefined]],
    ['a raw node without a device', [['blockdev-add', raw()]], [undefined, undefined, undefined, undefined]],
    ['a raw node under a device', [['blockdev-add', raw()], device], [W, SW, W, undefined]],
    ['a read-only raw node under a device', [['blockdev-add', raw({ 'read-only': true })], device], [W, undefined, W, undefined]],
    ['a qcow2 under a device', [['blockdev-add', qcow2('n0', 'a.qcow2')], onN0], [W, SW, W, undefined]],
    ['a read-only qcow2 under a device', [['blockdev-add', qcow2('n0', 'a.qcow2', { 'read-only': true })], onN0], [W, undefined, W, undefined]],
    ['a read-only qcow2 and a bare file', [['blockdev-add', qcow2('n0', 'a.qcow2', { 'read-only': true })], ['blockdev-add', { driver: 'file', 'node-name': 'f1', filename: 'a.qcow2' }]], [W, undefined, W, undefined]],
    ['a qcow2 with locking=off', [['blockdev-add', qcow2('n0', 'a.qcow2', {}, { locking: 'off' })]], [undefined, undefined, undefined, undefined]],
  ] as const)('%s', (_, commands, expected) => {
    const m = images();
    for (const [command, args] of commands) expect(qmp(m, command, args)).toEqual(OK);
    const tool = (format: string, readOnly: boolean) => hostToolLockError(m.graph, { filename: 'a.qcow2', path: 'a.qcow2', format, readOnly });
    expect([tool('qcow2', false), tool('qcow2', true), tool('raw', false), tool('raw', true)]).toEqual(expected);
  });

  it('names the image in the hint as the tool was given it; other files are free', () => {
    const m = images();
    qmp(m, 'blockdev-add', qcow2('n0', 'a.qcow2'));
    expect(hostToolLockError(m.graph, { filename: 'a.qcow2', path: './a.qcow2', format: 'qcow2', readOnly: false })).toBe(
      'Failed to get "write" lock\nIs another process using the image [./a.qcow2]?',
    );
    expect(hostToolLockError(m.graph, { filename: 'top.qcow2', path: 'top.qcow2', format: 'qcow2', readOnly: false })).toBeUndefined();
  });
});
