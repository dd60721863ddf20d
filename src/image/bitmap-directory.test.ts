import { describe, expect, it } from 'vitest';
import { HBitmap } from '../hbitmap/hbitmap.ts';
import { BitmapDirectory, dirEntrySize, infoFlags, type StoredBitmap } from './bitmap-directory.ts';

const entry = (name: string, flags: Partial<Pick<StoredBitmap, 'inUse' | 'auto'>> = {}): StoredBitmap => ({
  name, granularity: 65536, type: 'dirty-tracking', inUse: flags.inUse ?? false, auto: flags.auto ?? false,
  contents: HBitmap.create(1 << 20, 65536), unmodelled: undefined, owner: { kind: 'node' },
});

describe('qcow2 bitmap directory', () => {
  it('sizes entries as 24 bytes + name, padded to 8 (calc_dir_entry_size)', () => {
    expect([dirEntrySize('b'), dirEntrySize('12345678'), dirEntrySize('123456789'), dirEntrySize('é')]).toEqual([32, 32, 40, 32]);
  });

  it('puts in place or appends, removes without error when absent, and lists flags as qemu-img info does', () => {
    const d = new BitmapDirectory();
    d.put(entry('a'));
    d.put(entry('b', { auto: true }));
    d.put(entry('a', { inUse: true, auto: true }));
    d.remove('nope');
    expect(d.entries().map((e) => [e.name, infoFlags(e)])).toEqual([['a', ['in-use', 'auto']], ['b', ['auto']]]);
    d.setFlags('b', { inUse: true, auto: false });
    expect(infoFlags(d.find('b') ?? entry('x'))).toEqual(['in-use']);
    expect(d.size).toBe(64);
    d.remove('a');
    expect(d.entries().map((e) => e.name)).toEqual(['b']);
  });
});
