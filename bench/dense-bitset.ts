/**
 * The comparator the sparse HBitmap must keep up with: one bit per granule in a Uint32Array, as
 * QEMU's own last level is. A 64 TiB disk at 64 KiB granularity costs 128 MiB per bitmap.
 */
import { createHash } from 'node:crypto';

export class DenseBitset {
  readonly words: Uint32Array;

  constructor(readonly size: number, readonly granularity: number, words?: Uint32Array) {
    // Whole 64-bit words, like hbitmap's last level, so the bytes hash like QEMU's.
    this.words = words ?? new Uint32Array(2 * Math.max(Math.ceil(Math.ceil(size / granularity) / 64), 1));
  }

  copy(): DenseBitset {
    return new DenseBitset(this.size, this.granularity, this.words.slice());
  }

  set(offset: number, bytes: number): void {
    const end = Math.min(offset + bytes, this.size);
    const last = Math.floor((end - 1) / this.granularity);
    for (let g = Math.floor(offset / this.granularity); g <= last; g++) this.words[g >>> 5]! |= 1 << (g & 31);
  }

  mergeFrom(source: DenseBitset): void {
    const a = this.words;
    const b = source.words;
    for (let i = 0; i < a.length; i++) a[i]! |= b[i]!;
  }

  /** Dirty granules times granularity, by popcount. */
  count(): number {
    let n = 0;
    for (const w of this.words) {
      let v = w - ((w >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      n += (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
    }
    return n * this.granularity;
  }

  /** The whole array in one update: the fastest a dense bitmap can hash (little-endian host). */
  sha256(): string {
    return createHash('sha256').update(new Uint8Array(this.words.buffer)).digest('hex');
  }
}
