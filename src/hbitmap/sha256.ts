/**
 * QEMU's x-debug-block-dirty-bitmap-sha256 digest, streamed from granule runs.
 *
 * util/hbitmap.c:hbitmap_sha256 hashes the last HBitmap level: max(ceil(nbits/64), 1) host
 * `unsigned long` words, granule i being bit i%64 of word i/64, unused tail bits zero. On a
 * 64-bit little-endian host (the x86_64 QEMU we check against) those bytes are granule i at byte
 * i/8, bit i%8, which is what we write here, whatever our own host's endianness.
 *
 * The dense bitmap of a 64 TiB disk would be gigabytes, so we hash it in STAGING_BYTES blocks
 * through one reused buffer. The buffer is kept all-zero between blocks by undoing exactly the
 * bytes a block set, so a block costs its runs plus the hash, never a memset.
 */
import { createHash } from 'node:crypto';
import type { GranuleRun } from './granule-runs.ts';

const STAGING_BYTES = 1 << 20;
const STAGING_BITS = STAGING_BYTES * 8;

/** Digest of an nbits-granule bitmap whose set granules are `runs` (ascending, within nbits). */
export function hbitmapSha256(nbits: number, runs: Iterable<GranuleRun>): string {
  const totalBytes = 8 * Math.max(Math.ceil(nbits / 64), 1);
  const staging = new Uint8Array(STAGING_BYTES);
  const hash = createHash('sha256');
  const it = runs[Symbol.iterator]();
  let run = nextRun(it);
  for (let blockStart = 0; blockStart < totalBytes; blockStart += STAGING_BYTES) {
    const len = Math.min(STAGING_BYTES, totalBytes - blockStart);
    const firstBit = blockStart * 8;
    const endBit = firstBit + len * 8;
    let dirtyLo = len;
    let dirtyHi = 0;
    while (run !== undefined && run.start < endBit) {
      const s = Math.max(run.start, firstBit) - firstBit;
      const e = Math.min(run.end, endBit) - firstBit;
      fillBits(staging, s, e);
      dirtyLo = Math.min(dirtyLo, s >>> 3);
      dirtyHi = Math.max(dirtyHi, (e + 7) >>> 3);
      if (run.end > endBit) break; // the run continues into the next block
      run = nextRun(it);
    }
    hash.update(len === STAGING_BYTES ? staging : staging.subarray(0, len));
    if (dirtyLo < dirtyHi) staging.fill(0, dirtyLo, dirtyHi);
  }
  return hash.digest('hex');
}

function nextRun(it: Iterator<GranuleRun>): GranuleRun | undefined {
  const r = it.next();
  return r.done === true ? undefined : r.value;
}

/** Sets bits [s, e) of buf, LSB-first within each byte; 0 <= s < e <= STAGING_BITS. */
function fillBits(buf: Uint8Array, s: number, e: number): void {
  const firstByte = s >>> 3;
  const lastByte = (e - 1) >>> 3;
  const headMask = (0xff << (s & 7)) & 0xff;
  const tailMask = 0xff >>> (7 - ((e - 1) & 7));
  if (firstByte === lastByte) {
    buf[firstByte]! |= headMask & tailMask;
    return;
  }
  buf[firstByte]! |= headMask;
  buf.fill(0xff, firstByte + 1, lastByte);
  buf[lastByte]! |= tailMask;
}

export const SHA256_STAGING_BITS = STAGING_BITS;
