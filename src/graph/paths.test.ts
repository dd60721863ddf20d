import { describe, expect, it } from 'vitest';
import { createImage } from '../image/create.ts';
import { ImageStore } from '../image/store.ts';
import { pathCombine, pathHasProtocol, realpath } from './paths.ts';

describe('pathHasProtocol', () => {
  it('sees a protocol only before the first slash', () => {
    expect(pathHasProtocol('json:{"driver": "qcow2"}')).toBe(true);
    expect(pathHasProtocol('null-co://')).toBe(true);
    expect(pathHasProtocol('base.qcow2')).toBe(false);
    expect(pathHasProtocol('dir/a:b.qcow2')).toBe(false);
  });
});

describe('pathCombine', () => {
  it('takes the directory part of the base, as implicit backing nodes are named', () => {
    expect(pathCombine('top.qcow2', 'mid.qcow2')).toBe('mid.qcow2');
    expect(pathCombine('./top.qcow2', 'mid.qcow2')).toBe('./mid.qcow2');
    expect(pathCombine('/s/top.qcow2', 'mid.qcow2')).toBe('/s/mid.qcow2');
    expect(pathCombine('/s/top.qcow2', '/t/mid.qcow2')).toBe('/t/mid.qcow2');
    expect(pathCombine('/s/top.qcow2', '')).toBe('/s/');
    expect(pathCombine('nbd:x', 'b')).toBe('nbd:b');
  });
});

describe('realpath', () => {
  const store = new ImageStore();
  createImage(store, { filename: 'base.qcow2', format: 'qcow2', size: 65536 });

  it('canonicalises names of existing images in the one directory', () => {
    expect(realpath(store, './base.qcow2')).toBe('base.qcow2');
    expect(realpath(store, './/base.qcow2')).toBe('base.qcow2');
    expect(realpath(store, 'base.qcow2')).toBe('base.qcow2');
  });

  it('fails for missing files, absolute paths and paths leaving the directory', () => {
    expect(realpath(store, 'mid.qcow2')).toBeUndefined();
    expect(realpath(store, '/base.qcow2')).toBeUndefined();
    expect(realpath(store, '../base.qcow2')).toBeUndefined();
    expect(realpath(store, 'x/../base.qcow2')).toBeUndefined();
  });
});
