import { describe, expect, it } from 'vitest';
import { dirtyExtentsFromMap } from './readback.ts';

describe('dirtyExtentsFromMap', () => {
  it('takes "data": false entries as dirty (reference 6.2)', () => {
    const map = `[{"start":0,"length":4096,"depth":0,"present":false,"zero":false,"data":false},
 {"start":4096,"length":1044480,"depth":0,"present":true,"zero":false,"data":true,"offset":4096},
 {"start":1048576,"length":1048576,"depth":0,"present":false,"zero":false,"data":false},
 {"start":2097152,"length":6291456,"depth":0,"present":true,"zero":false,"data":true,"offset":2097152}]`;
    expect(dirtyExtentsFromMap(map)).toEqual([
      { offset: 0, length: 4096 },
      { offset: 1048576, length: 1048576 },
    ]);
  });

  it('merges adjacent dirty entries and reads an empty map as clean', () => {
    const map = JSON.stringify([
      { start: 0, length: 512, data: false },
      { start: 512, length: 512, data: false },
    ]);
    expect(dirtyExtentsFromMap(map)).toEqual([{ offset: 0, length: 1024 }]);
    expect(dirtyExtentsFromMap('[]')).toEqual([]);
  });

  it('refuses output that is not a map', () => {
    expect(dirtyExtentsFromMap('qemu-img: oops')).toEqual({ lost: 'qemu-img map printed no JSON: qemu-img: oops' });
  });
});
