import { describe, expect, it } from 'vitest';
import { createImage } from '../image/create.ts';
import { ImageStore } from '../image/store.ts';
import { lookupPath, pathCombine, pathHasProtocol, realpath } from './paths.ts';

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

  it('canonicalises names of existing images to absolute paths in the working directory', () => {
    expect(realpath(store, './base.qcow2')).toBe('/dirtysim/session/base.qcow2');
    expect(realpath(store, './/base.qcow2')).toBe('/dirtysim/session/base.qcow2');
    expect(realpath(store, 'base.qcow2')).toBe('/dirtysim/session/base.qcow2');
    expect(realpath(store, '/dirtysim/session/base.qcow2')).toBe('/dirtysim/session/base.qcow2');
    expect(realpath(store, '../session/base.qcow2')).toBe('/dirtysim/session/base.qcow2');
    expect(realpath(store, '/../dirtysim//./session/base.qcow2')).toBe('/dirtysim/session/base.qcow2');
  });

  it('fails for missing files, missing directories and paths through a file', () => {
    expect(realpath(store, 'mid.qcow2')).toBeUndefined();
    expect(realpath(store, '/base.qcow2')).toBeUndefined();
    expect(realpath(store, '../base.qcow2')).toBeUndefined();
    expect(realpath(store, 'x/../base.qcow2')).toBeUndefined();
    expect(realpath(store, 'base.qcow2/')).toBeUndefined();
    expect(realpath(store, 'base.qcow2/../base.qcow2')).toBeUndefined();
    expect(realpath(store, '/dirtysim/session')).toBeUndefined();
  });
});

describe('lookupPath', () => {
  const store = new ImageStore('/s');
  createImage(store, { filename: 'a.qcow2', format: 'qcow2', size: 65536 });

  it('finds the directory, its ancestors and its files only', () => {
    expect(lookupPath(store, '.')).toEqual({ kind: 'directory', path: '/s' });
    expect(lookupPath(store, '..')).toEqual({ kind: 'directory', path: '/' });
    expect(lookupPath(store, '/s/./a.qcow2')).toEqual({ kind: 'file', name: 'a.qcow2' });
    expect(lookupPath(store, '/t')).toBeUndefined();
    expect(lookupPath(store, '/a.qcow2')).toBeUndefined();
  });
});
