import { describe, expect, it } from 'vitest';
import { size } from '../../src/size.ts';
import { formatExtents, normaliseExtents } from './extents.ts';

const e = (o: string, l: string) => ({ offset: size(o), length: size(l) });

describe('extents', () => {
  it('merges adjacent and overlapping runs and sorts them', () => {
    expect(normaliseExtents([e('1M', '4K'), e('64K', '64K'), e('0', '64K'), e('96K', '64K')])).toEqual([e('0', '160K'), e('1M', '4K')]);
  });

  it('spells offsets and lengths as qemu-img does', () => {
    expect(formatExtents([e('192K', '64K'), e('1000', '512')])).toBe('[192K+64K, 1000+512]');
    expect(formatExtents([])).toBe('[]');
  });
});
