import { beforeEach, describe, expect, it } from 'vitest';
import { BdrvDirtyBitmap } from '../../bitmaps/dirty-bitmap.ts';
import { findDirtyBitmap } from '../../bitmaps/node-bitmaps.ts';
import { addNull, addQcow2, addRawFile } from '../../bitmaps/test-machine.ts';
import type { BlockNode } from '../../graph/node.ts';
import { Machine } from '../../machine.ts';
import { size } from '../../size.ts';
import { dispatch } from '../dispatcher.ts';
import type { QmpReply } from '../reply.ts';
import { bitmapCommands } from './bitmap.ts';

let m: Machine;
let n0: BlockNode;
const qmp = (command: string, args: Record<string, unknown>): QmpReply => dispatch(bitmapCommands, m, command, args);
const bitmap = (node: BlockNode, name: string) => {
  const b = findDirtyBitmap(node, name);
  if (!b) throw new Error(`no bitmap ${name}`);
  return b;
};

beforeEach(() => {
  m = new Machine();
  n0 = addQcow2(m, 'n0', size('8M'));
  addQcow2(m, 'v2', size('8M'), { compat: '0.10' });
  addQcow2(m, 's0', size('4M'));
  addRawFile(m, 'r0', size('4M'));
  for (const [node, name] of [['n0', 'b0'], ['n0', 'busy'], ['n0', 'rob'], ['s0', 's']]) {
    expect(qmp('block-dirty-bitmap-add', { node, name })).toEqual({ return: {} });
  }
  bitmap(n0, 'busy').setBusy(true);
  bitmap(n0, 'rob').setReadonly(true);
});

const BUSY = "Bitmap 'busy' is currently in use by another operation and cannot be used";
const RO = "Bitmap 'rob' is readonly and cannot be modified";
const INCONSISTENT = "Bitmap 'bad' is inconsistent and cannot be used";
const long = 'x'.repeat(1024);

// Texts as QEMU 7.2.22 sends them (reference 3.4, and the probes noted in args.ts and below).
describe.each([
  ['block-dirty-bitmap-add', { node: 'n0', name: '' }, 'Bitmap name cannot be empty'],
  ['block-dirty-bitmap-add', { node: 'nope', name: 'x', granularity: 3 }, "Cannot find device='nope' nor node-name='nope'"],
  ['block-dirty-bitmap-add', { node: 'n0', name: 'x', granularity: 0 }, 'Granularity must be power of 2 and at least 512'],
  ['block-dirty-bitmap-add', { node: 'n0', name: 'x', granularity: 256 }, 'Granularity must be power of 2 and at least 512'],
  ['block-dirty-bitmap-add', { node: 'n0', name: 'x', granularity: 4097 }, 'Granularity must be power of 2 and at least 512'],
  ['block-dirty-bitmap-add', { node: 'n0', name: 'x', granularity: 2 ** 32 }, "Parameter 'granularity' expects uint32_t"],
  // granularity is checked before the persistent checks (probed: raw node, granularity 256)
  ['block-dirty-bitmap-add', { node: 'r0', name: 'p', persistent: true, granularity: 256 }, 'Granularity must be power of 2 and at least 512'],
  ['block-dirty-bitmap-add', { node: 'r0', name: 'p', persistent: true }, "Can't store persistent bitmaps to r0: Operation not supported"],
  ['block-dirty-bitmap-add', { node: 'n0-file', name: 'p', persistent: true }, "Can't store persistent bitmaps to n0-file: Operation not supported"],
  ['block-dirty-bitmap-add', { node: 'v2', name: 'p', persistent: true }, "Can't make bitmap 'p' persistent in 'v2': Cannot store dirty bitmaps in qcow2 v2 files"],
  ['block-dirty-bitmap-add', { node: 'n0', name: long, persistent: true }, `Can't make bitmap '${long}' persistent in 'n0': Name length exceeds maximum (1023 characters)`],
  ['block-dirty-bitmap-add', { node: 'n0', name: long }, `Bitmap name too long: ${long}`],
  ['block-dirty-bitmap-add', { node: 'n0', name: 'b0' }, 'Bitmap already exists: b0'],
  ['block-dirty-bitmap-add', { node: 'n0', name: 'b0', persistent: true }, 'Bitmap already exists: b0'],
  ['block-dirty-bitmap-remove', { node: 'nope', name: 'b0' }, "Node 'nope' not found"],
  ['block-dirty-bitmap-remove', { node: 'n0', name: 'nope' }, "Dirty bitmap 'nope' not found"],
  ['block-dirty-bitmap-remove', { node: 'n0', name: 'busy' }, BUSY],
  ['block-dirty-bitmap-remove', { node: 'n0', name: 'rob' }, RO],
  ['block-dirty-bitmap-clear', { node: 'nope', name: 'b0' }, "Node 'nope' not found"],
  ['block-dirty-bitmap-clear', { node: 'n0', name: 'nope' }, "Dirty bitmap 'nope' not found"],
  ['block-dirty-bitmap-clear', { node: 'n0', name: 'busy' }, BUSY],
  ['block-dirty-bitmap-clear', { node: 'n0', name: 'rob' }, RO],
  ['block-dirty-bitmap-clear', { node: 'n0', name: 'bad' }, INCONSISTENT],
  ['block-dirty-bitmap-enable', { node: 'nope', name: 'b0' }, "Node 'nope' not found"],
  ['block-dirty-bitmap-enable', { node: 'n0', name: 'nope' }, "Dirty bitmap 'nope' not found"],
  ['block-dirty-bitmap-enable', { node: 'n0', name: 'busy' }, BUSY],
  ['block-dirty-bitmap-enable', { node: 'n0', name: 'bad' }, INCONSISTENT],
  ['block-dirty-bitmap-disable', { node: 'n0', name: 'busy' }, BUSY],
  ['block-dirty-bitmap-disable', { node: 'n0', name: 'bad' }, INCONSISTENT],
  ['block-dirty-bitmap-merge', { node: 'nope', target: 'b0', bitmaps: ['b0'] }, "Node 'nope' not found"],
  ['block-dirty-bitmap-merge', { node: 'n0', target: 'nope', bitmaps: [] }, "Dirty bitmap 'nope' not found"],
  ['block-dirty-bitmap-merge', { node: 'n0', target: 'b0', bitmaps: ['nope'] }, "Dirty bitmap 'nope' not found"],
  ['block-dirty-bitmap-merge', { node: 'n0', target: 'b0', bitmaps: [{ node: 'zz', name: 's' }] }, "Node 'zz' not found"],
  ['block-dirty-bitmap-merge', { node: 'n0', target: 'b0', bitmaps: [{ node: 'n0', name: 'zz' }] }, "Dirty bitmap 'zz' not found"],
  ['block-dirty-bitmap-merge', { node: 'n0', target: 'b0', bitmaps: [{ node: 's0', name: 's' }] },
    "Bitmaps are of different sizes (destination size is 8388608, source size is 4194304) and can't be merged"],
  ['block-dirty-bitmap-merge', { node: 'n0', target: 'b0', bitmaps: ['busy'] }, BUSY],
  ['block-dirty-bitmap-merge', { node: 'n0', target: 'b0', bitmaps: ['bad'] }, INCONSISTENT],
  ['block-dirty-bitmap-merge', { node: 'n0', target: 'busy', bitmaps: ['b0'] }, BUSY],
  ['block-dirty-bitmap-merge', { node: 'n0', target: 'rob', bitmaps: ['b0'] }, RO],
  // sources are resolved before the target is checked (probed: busy target, missing source)
  ['block-dirty-bitmap-merge', { node: 'n0', target: 'busy', bitmaps: ['nope'] }, "Dirty bitmap 'nope' not found"],
  // the first failing source wins (probed: ["busy", other-size] gives busy; reversed gives size)
  ['block-dirty-bitmap-merge', { node: 'n0', target: 'b0', bitmaps: ['busy', { node: 's0', name: 's' }] }, BUSY],
  ['x-debug-block-dirty-bitmap-sha256', { node: 'nope', name: 'b0' }, "Node 'nope' not found"],
  ['x-debug-block-dirty-bitmap-sha256', { node: 'n0', name: 'nope' }, "Dirty bitmap 'nope' not found"],
] as const)('%s %j', (command, args, desc) => {
  it(`fails with "${desc}"`, () => {
    n0.dirtyBitmaps.unshift(BdrvDirtyBitmap.inconsistent('bad', size('8M'), 65536));
    const before = n0.dirtyBitmaps.map((b) => [b.name, b.count, b.recording, b.busy]);
    expect(qmp(command, args)).toEqual({ error: { class: 'GenericError', desc } });
    expect(n0.dirtyBitmaps.map((b) => [b.name, b.count, b.recording, b.busy])).toEqual(before);
  });
});

describe('block-dirty-bitmap-add', () => {
  it('defaults granularity to the cluster size clamped to [4K, 64K], or 64K without one', () => {
    addQcow2(m, 'c512', size('1M'), { clusterSize: 512 });
    addQcow2(m, 'c2m', size('4M'), { clusterSize: size('2M') });
    addQcow2(m, 'c16k', size('1M'), { clusterSize: size('16K') });
    addNull(m, 'null', size('1M'));
    const granularity = (node: string) => {
      expect(qmp('block-dirty-bitmap-add', { node, name: 'g' })).toEqual({ return: {} });
      const n = m.graph.node(node);
      return n && findDirtyBitmap(n, 'g')?.granularity;
    };
    expect(['n0', 'c512', 'c2m', 'c16k', 'null', 'r0', 'n0-file'].map(granularity)).toEqual([
      65536, 4096, 65536, 16384, 65536, 65536, 65536,
    ]);
  });

  it('creates newest first with the flags given; persistent works on a read-only qcow2 node', () => {
    n0.readOnly = true;
    expect(qmp('block-dirty-bitmap-add', { node: 'n0', name: 'p', persistent: true, disabled: true, granularity: 2 ** 31 })).toEqual({ return: {} });
    const [p] = n0.dirtyBitmaps;
    expect([p?.name, p?.persistent, p?.recording, p?.granularity, p?.size]).toEqual(['p', true, false, 2 ** 31, size('8M')]);
  });

  it('refuses the 65536th persistent bitmap of a node', () => {
    const one = BdrvDirtyBitmap.create('p', size('8M'), 65536, { persistent: true });
    // The check counts persistent bitmaps in memory; the same object repeated is enough for it.
    n0.dirtyBitmaps.push(...Array<typeof one>(65535).fill(one));
    expect(qmp('block-dirty-bitmap-add', { node: 'n0', name: 'q', persistent: true })).toEqual({
      error: { class: 'GenericError', desc: "Can't make bitmap 'q' persistent in 'n0': Maximum number of persistent bitmaps is already reached" },
    });
  });

  it('refuses, as an error, a bitmap hbitmap_alloc would abort on (probed: 2^60-byte null-co at 512 B)', () => {
    addNull(m, 'huge', 2 ** 50 + 512);
    const reply = qmp('block-dirty-bitmap-add', { node: 'huge', name: 'h', granularity: 512 });
    expect(reply).toEqual({ error: { class: 'GenericError', desc: expect.stringMatching(/crashes QEMU 7\.2 in hbitmap_alloc \(not simulated\)$/) } });
    expect(qmp('block-dirty-bitmap-add', { node: 'huge', name: 'h', granularity: 1024 })).toEqual({ return: {} });
  });

  it('refuses a persistent bitmap whose data would exceed 512 MiB', () => {
    addQcow2(m, 'huge', 2 ** 43);
    expect(qmp('block-dirty-bitmap-add', { node: 'huge', name: 'h', persistent: true, granularity: 512 })).toEqual({
      error: { class: 'GenericError', desc: "Can't make bitmap 'h' persistent in 'huge': Too much space will be occupied by the bitmap. Use larger granularity" },
    });
  });
});

describe('state commands', () => {
  it('clear empties, enable/disable are idempotent and allowed on readonly bitmaps, remove drops', () => {
    bitmap(n0, 'b0').markDirty(0, size('1M'));
    expect(qmp('block-dirty-bitmap-clear', { node: 'n0', name: 'b0' })).toEqual({ return: {} });
    expect(bitmap(n0, 'b0').count).toBe(0);
    for (const command of ['block-dirty-bitmap-disable', 'block-dirty-bitmap-disable']) {
      expect(qmp(command, { node: 'n0', name: 'rob' })).toEqual({ return: {} });
    }
    expect(bitmap(n0, 'rob').recording).toBe(false);
    expect(qmp('block-dirty-bitmap-enable', { node: 'n0', name: 'rob' })).toEqual({ return: {} });
    expect(bitmap(n0, 'rob').recording).toBe(true);
    expect(qmp('block-dirty-bitmap-remove', { node: 'n0', name: 'b0' })).toEqual({ return: {} });
    expect(findDirtyBitmap(n0, 'b0')).toBeUndefined();
  });

  it('remove works on an inconsistent bitmap', () => {
    n0.dirtyBitmaps.unshift(BdrvDirtyBitmap.inconsistent('bad', size('8M'), 65536));
    expect(qmp('block-dirty-bitmap-remove', { node: 'n0', name: 'bad' })).toEqual({ return: {} });
    expect(findDirtyBitmap(n0, 'bad')).toBeUndefined();
  });
});

describe('block-dirty-bitmap-merge', () => {
  const extents = (node: BlockNode, name: string) => [...(bitmap(node, name).contents?.extents() ?? [])];

  it('ORs local and {node,name} sources, target among them, rounding to the target granularity', () => {
    const other = addQcow2(m, 'o0', size('8M'));
    qmp('block-dirty-bitmap-add', { node: 'o0', name: 'fine', granularity: 512 });
    bitmap(other, 'fine').markDirty(size('1M') + 512, 1);
    qmp('block-dirty-bitmap-add', { node: 'n0', name: 'local', granularity: 4096 });
    bitmap(n0, 'local').markDirty(size('3M'), 1);
    bitmap(n0, 'b0').markDirty(0, 1);
    const reply = qmp('block-dirty-bitmap-merge', { node: 'n0', target: 'b0', bitmaps: ['b0', 'local', { node: 'o0', name: 'fine' }] });
    expect(reply).toEqual({ return: {} });
    expect(extents(n0, 'b0')).toEqual([
      { offset: 0, length: 65536 },
      { offset: size('1M'), length: 65536 },
      { offset: size('3M'), length: 65536 },
    ]);
    expect(extents(other, 'fine')).toEqual([{ offset: size('1M') + 512, length: 512 }]); // sources are unchanged
  });

  it('leaves the target untouched when a later source fails', () => {
    bitmap(n0, 'b0').markDirty(0, 1);
    qmp('block-dirty-bitmap-add', { node: 'n0', name: 'src' });
    bitmap(n0, 'src').markDirty(size('2M'), 1);
    expect('error' in qmp('block-dirty-bitmap-merge', { node: 'n0', target: 'b0', bitmaps: ['src', 'nope'] })).toBe(true);
    expect(extents(n0, 'b0')).toEqual([{ offset: 0, length: 65536 }]);
  });

  it('accepts a readonly source', () => {
    bitmap(n0, 'rob').markDirty(0, 1);
    expect(qmp('block-dirty-bitmap-merge', { node: 'n0', target: 'b0', bitmaps: ['rob'] })).toEqual({ return: {} });
    expect(bitmap(n0, 'b0').count).toBe(65536);
  });

  it('refuses an empty source list, which crashes QEMU 7.2', () => {
    expect(qmp('block-dirty-bitmap-merge', { node: 'n0', target: 'b0', bitmaps: [] })).toHaveProperty('error');
  });
});

describe('x-debug-block-dirty-bitmap-sha256', () => {
  it('hashes the last level; works on busy and inconsistent bitmaps (reference 1.7 worked example)', () => {
    const b = bitmap(n0, 'busy');
    for (const [off, len] of [[0, 4096], [196708, 1], [5242880, 307200]] as const) b.markDirty(off, len);
    expect(qmp('x-debug-block-dirty-bitmap-sha256', { node: 'n0', name: 'busy' })).toEqual({
      return: { sha256: 'a171d0d51ba703ce91fb8e48af7f0b8df3f89ae3b96612d45419628894150d36' },
    });
    n0.dirtyBitmaps.unshift(BdrvDirtyBitmap.inconsistent('bad', size('8M'), 65536));
    expect(qmp('x-debug-block-dirty-bitmap-sha256', { node: 'n0', name: 'bad' })).toEqual({
      return: { sha256: '374708fff7719dd5979ec875d56cd2286f6d3cf7ec317a3b25632aab28ec37bb' },
    });
  });
});
