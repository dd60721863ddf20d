import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalNames, cleanSha256 } from './observe.ts';

describe('canonicalNames', () => {
  it('numbers implicit nodes oldest first, whatever QEMU numbered them', () => {
    const names = canonicalNames(['top', '#block391', 'base', '#block055']);
    expect([...names]).toEqual([
      ['#block055', '#implicit1'],
      ['base', 'base'],
      ['#block391', '#implicit2'],
      ['top', 'top'],
    ]);
  });
});

describe('cleanSha256', () => {
  it('hashes whole zero words, at least one (reference 1.7)', () => {
    expect(cleanSha256(8 * 2 ** 20, 65536)).toBe('374708fff7719dd5979ec875d56cd2286f6d3cf7ec317a3b25632aab28ec37bb');
    const oneWord = createHash('sha256').update(Buffer.alloc(8)).digest('hex');
    expect(cleanSha256(0, 65536)).toBe(oneWord);
    expect(cleanSha256(64 * 512, 512)).toBe(oneWord);
    expect(cleanSha256(65 * 512, 512)).not.toBe(oneWord);
  });
});
