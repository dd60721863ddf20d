import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './unified-diff.ts';

describe('unifiedDiff', () => {
  it('shows only the differing line with its context', () => {
    const a = 'top/b0:\n  dirty: 192K+64K\n  count: 64K';
    const b = 'top/b0:\n  dirty: 192K+128K\n  count: 128K';
    expect(unifiedDiff(a, b)).toEqual([
      '@@ -1,3 +1,3 @@',
      ' top/b0:',
      '-  dirty: 192K+64K',
      '-  count: 64K',
      '+  dirty: 192K+128K',
      '+  count: 128K',
    ]);
  });

  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb', 'a\nb')).toEqual([]);
  });
});
