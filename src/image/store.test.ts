import { describe, expect, it } from 'vitest';
import { newRaw } from './image.ts';
import { ImageStore, SESSION_DIRECTORY } from './store.ts';

describe('ImageStore', () => {
  it('is the working directory: a file is found by its plain, relative or absolute path', () => {
    const store = new ImageStore();
    expect(store.directory).toBe(SESSION_DIRECTORY);
    const image = newRaw('disk.raw', 4096);
    expect(store.put(image)).toBe(true);
    for (const path of ['disk.raw', './disk.raw', `${SESSION_DIRECTORY}/disk.raw`, '../session/disk.raw']) expect(store.get(path)).toBe(image);
    expect(store.get('/disk.raw')).toBeUndefined();
    expect(store.filenames()).toEqual(['disk.raw']);
  });

  it('creates by absolute path into the directory and overwrites the same file by another name', () => {
    const store = new ImageStore();
    expect(store.put(newRaw(`${SESSION_DIRECTORY}/t.raw`, 4096))).toBe(true);
    const again = newRaw('./t.raw', 8192);
    expect(store.put(again)).toBe(true);
    expect(store.get('t.raw')).toBe(again);
    expect(store.filenames()).toEqual(['t.raw']);
  });

  it('refuses a file in a directory that does not exist', () => {
    const store = new ImageStore();
    expect(store.put(newRaw('sub/x.raw', 4096))).toBe(false);
    expect(store.put(newRaw('/tmp/x.raw', 4096))).toBe(false);
    expect(store.put(newRaw('.', 4096))).toBe(false);
    expect(store.filenames()).toEqual([]);
  });
});
