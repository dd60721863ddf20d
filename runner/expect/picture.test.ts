import { describe, expect, it } from 'vitest';
import { size } from '../../src/size.ts';
import { cellSize, describeScale, MAX_CELLS, picture } from './picture.ts';

describe('bitmap pictures', () => {
  it('draws one cell per granule for a small bitmap', () => {
    const cell = cellSize(size('1M'), size('64K'));
    expect(cell).toBe(size('64K'));
    expect(picture(size('1M'), cell, [{ offset: size('192K'), length: size('64K') }])).toBe('...X............');
  });

  it('keeps a 64 TiB disk within the width bound, marking any dirty granule', () => {
    const disk = size('64T');
    const cell = cellSize(disk, size('64K'));
    expect(cell).toBe(size('1T'));
    const p = picture(disk, cell, [{ offset: size('2T') + 512, length: 512 }]);
    expect(p).toHaveLength(MAX_CELLS);
    expect(p.indexOf('X')).toBe(2);
    expect(p.replace('X', '')).not.toContain('X');
    expect(describeScale(cell)).toBe('1 cell = 1T');
  });

  it('gives a size that is not a multiple of the cell a final partial cell', () => {
    expect(picture(size('5K'), size('2K'), [{ offset: size('4K'), length: size('1K') }])).toBe('..X');
  });

  it('marks every cell an extent touches', () => {
    expect(picture(size('8K'), size('1K'), [{ offset: 1000, length: 2000 }])).toBe('XXX.....');
  });
});
