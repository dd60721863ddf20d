import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatSize, parseSize } from './size.ts';

describe('parseSize', () => {
  it.each([
    ['512', 512], ['4K', 4096], ['4k', 4096], ['64K', 65536], ['1M', 1048576], ['1G', 2 ** 30],
    ['1T', 2 ** 40], ['64T', 2 ** 46], ['1.5K', 1536], ['0x1000', 4096], ['200K', 204800], ['7B', 7],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toEqual({ ok: true, value: bytes });
  });

  it.each(['', 'K', '-1', '1.5', '1.1K', '4X', '1 2', '99999E'])('rejects %j', (text) => {
    expect(parseSize(text).ok).toBe(false);
  });
});

describe('formatSize', () => {
  it.each([[0, '0'], [512, '512'], [4096, '4K'], [196608, '192K'], [2 ** 20, '1M'], [1000, '1000'], [1536, '1536']])(
    '%d is %s', (bytes, text) => expect(formatSize(bytes)).toBe(text),
  );

  it('round-trips through parseSize', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 50 }), (n) => {
      expect(parseSize(formatSize(n))).toEqual({ ok: true, value: n });
    }));
  });
});
