import { describe, expect, it } from 'vitest';
import { splice } from './splice.ts';

describe('splice', () => {
  const text = 'count: 64K  # one granule\ndirty: [192K+64K]\n';

  it('replaces only the given ranges, in any order', () => {
    const r = splice(text, [
      { start: 33, end: 43, text: '[0+128K]' },
      { start: 7, end: 10, text: '128K' },
    ]);
    expect(r).toEqual({ ok: true, text: 'count: 128K  # one granule\ndirty: [0+128K]\n' });
  });

  it('refuses overlapping or out-of-range edits', () => {
    expect(splice(text, [{ start: 0, end: 5, text: '' }, { start: 4, end: 6, text: '' }]).ok).toBe(false);
    expect(splice(text, [{ start: 40, end: 400, text: '' }]).ok).toBe(false);
  });
});
