import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SHA256_STAGING_BITS, hbitmapSha256 } from './sha256.ts';

/** The recipe of reference 1.7 done densely: granule i is byte i/8, bit i%8, whole 64-bit words. */
function denseSha256(nbits: number, runs: readonly [number, number][]): string {
  const bytes = new Uint8Array(8 * Math.max(Math.ceil(nbits / 64), 1));
  for (const [s, e] of runs) for (let g = s; g < e; g++) bytes[g >>> 3]! |= 1 << (g & 7);
  return createHash('sha256').update(bytes).digest('hex');
}

const streamed = (nbits: number, runs: readonly [number, number][]): string =>
  hbitmapSha256(nbits, (visit) => runs.forEach(([s, e]) => visit(s, e)));

describe('hbitmapSha256 staging', () => {
  const B = SHA256_STAGING_BITS;
  const cases: [string, number, [number, number][]][] = [
    ['no bits: one zero word for an empty bitmap', 0, []],
    ['bits inside one byte and across byte and word seams', 200, [[3, 5], [7, 9], [62, 66], [127, 129]]],
    ['a run ending exactly at a staging-block seam', B + 64, [[B - 10, B]]],
    ['a run starting exactly at a staging-block seam', B + 64, [[B, B + 3]]],
    ['a run across a seam, then a block that must be hashed clean again', 3 * B + 5, [[B - 3, B + 3]]],
    ['a run spanning more than two blocks', 3 * B + 70, [[5, 2 * B + 9], [3 * B + 69, 3 * B + 70]]],
    ['blocks skipped before the first run, partial last block', 2 * B + 700, [[2 * B + 1, 2 * B + 2]]],
  ];
  for (const [name, nbits, runs] of cases) {
    it(name, () => expect(streamed(nbits, runs)).toBe(denseSha256(nbits, runs)));
  }
});
