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
import { createHash, type Hash } from 'node:crypto';

const STAGING_BYTES = 1 << 20;
/** Granules per staging block; exported so tests can put runs across block seams. */
export const SHA256_STAGING_BITS = STAGING_BYTES * 8;

/**
 * Digest of an nbits-granule bitmap. `forEachRun` must visit the set runs [start, end) in
 * ascending order, all within nbits.
 */
export function hbitmapSha256(nbits: number, forEachRun: (visit: (start: number, end: number) => void) => void): string {
  const stream = new StagedBitmapHash(8 * Math.max(Math.ceil(nbits / 64), 1));
  forEachRun((start, end) => stream.addRun(start, end));
  return stream.digest();
}

class StagedBitmapHash {
  readonly #hash: Hash = createHash('sha256');
  /** One block, or less for a bitmap smaller than that: most are a few bytes, and a 1 MiB
   * allocation per digest made observing a case's bitmaps cost more than running it. */
  readonly #staging: Uint8Array;
  readonly #totalBytes: number;
  /** Byte offset of the staging block being filled. */
  #blockStart = 0;
  /** Bytes of the staging buffer set in this block, [lo, hi), to undo after hashing. */
  #lo = STAGING_BYTES;
  #hi = 0;

  constructor(totalBytes: number) {
    this.#totalBytes = totalBytes;
    this.#staging = new Uint8Array(Math.min(STAGING_BYTES, totalBytes));
  }

  addRun(start: number, end: number): void {
    for (;;) {
      const firstBit = this.#blockStart * 8;
      if (start >= firstBit + SHA256_STAGING_BITS) {
        this.#flush();
        continue;
      }
      const s = Math.max(start, firstBit) - firstBit;
      const e = Math.min(end, firstBit + SHA256_STAGING_BITS) - firstBit;
      fillBits(this.#staging, s, e);
      this.#lo = Math.min(this.#lo, s >>> 3);
      this.#hi = Math.max(this.#hi, (e + 7) >>> 3);
      if (end <= firstBit + SHA256_STAGING_BITS) return;
      this.#flush(); // the run continues into the next block
    }
  }

  digest(): string {
    while (this.#blockStart < this.#totalBytes) this.#flush();
    return this.#hash.digest('hex');
  }

  /** Hashes the current block and moves to the next one with a clean buffer. */
  #flush(): void {
    const len = Math.min(STAGING_BYTES, this.#totalBytes - this.#blockStart);
    this.#hash.update(len === STAGING_BYTES ? this.#staging : this.#staging.subarray(0, len));
    if (this.#lo < this.#hi) this.#staging.fill(0, this.#lo, this.#hi);
    this.#lo = STAGING_BYTES;
    this.#hi = 0;
    this.#blockStart += STAGING_BYTES;
  }
}

/** Sets bits [s, e) of buf, LSB-first within each byte; 0 <= s < e <= 8 * buf.length. */
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
