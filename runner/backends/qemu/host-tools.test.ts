import { describe, expect, it } from 'vitest';
import { parseInfoBitmaps } from './host-tools.ts';

describe('qemu-img info bitmaps', () => {
  it('reads format-specific.data.bitmaps, [] for an image without any', () => {
    const json = JSON.stringify({ 'format-specific': { type: 'qcow2', data: { compat: '1.1', bitmaps: [{ flags: ['in-use', 'auto'], name: 'b1', granularity: 65536 }] } } });
    expect(parseInfoBitmaps(json)).toEqual([{ name: 'b1', granularity: 65536, flags: ['in-use', 'auto'] }]);
    expect(parseInfoBitmaps(JSON.stringify({ format: 'raw' }))).toEqual([]);
  });
});
