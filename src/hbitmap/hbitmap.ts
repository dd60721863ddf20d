/**
 * HBitmap: QEMU's granular dirty bitmap (util/hbitmap.c), byte-based as the block layer uses it.
 *
 * One bit per granule of `granularity` bytes; nbits = ceil(size / granularity). Setting a byte
 * range dirties every granule it touches, so at 512-byte granularity:
 *
 *   write [1000, 4000)   bytes   0    512  1024 ...            3584 4096
 *                        granule 0    1    2    3    4    5    6    7    8
 *                        bits    .    X    X    X    X    X    X    X    .   count = 7*512 = 3584
 *
 * Queries answer in bytes and are clipped to the bitmap's size ('orig_size'), as hbitmap.c's
 * are; a partial last granule still counts as a whole one in `count`.
 */
import type { Bytes } from '../size.ts';
import { GranuleRuns, type GranuleRun } from './granule-runs.ts';
import { hbitmapSha256 } from './sha256.ts';

/** A run of dirty bytes, [offset, offset + length). */
export interface DirtyExtent {
  readonly offset: Bytes;
  readonly length: Bytes;
}

export class HBitmap {
  readonly granularity: Bytes;
  #size: Bytes;
  #runs: GranuleRuns;

  private constructor(size: Bytes, granularity: Bytes, runs: GranuleRuns) {
    this.granularity = granularity;
    this.#size = size;
    this.#runs = runs;
  }

  /** granularity: a power of two >= 1 (QMP's 512..2^31 limits are the caller's job). */
  static create(size: Bytes, granularity: Bytes): HBitmap {
    assertBytes(size, 'size');
    if (!isPow2(granularity)) {
      throw new RangeError(`HBitmap granularity must be a power of two >= 1, got ${granularity}`);
    }
    return new HBitmap(size, granularity, new GranuleRuns());
  }

  /** Bytes covered ('orig_size'). */
  get size(): Bytes {
    return this.#size;
  }

  /** Number of granules, ceil(size / granularity). */
  get nbits(): number {
    return Math.ceil(this.#size / this.granularity);
  }

  /** hbitmap_count: dirty granules times granularity (a partial tail granule counts whole). */
  get count(): Bytes {
    return this.#runs.count * this.granularity;
  }

  /**
   * hbitmap_set: every granule [offset, offset+bytes) touches becomes dirty; clipped to size.
   * A negative or fractional offset or length is a caller bug (QEMU's are unsigned) and throws.
   */
  set(offset: Bytes, bytes: Bytes): void {
    assertRange(offset, bytes, 'set');
    const end = Math.min(offset + bytes, this.#size);
    if (offset >= end) return;
    this.#runs.add(this.#granule(offset), this.#granuleCeil(end));
  }

  /**
   * hbitmap_reset: clears the granules [offset, offset+bytes) covers. Like QEMU (which asserts),
   * the start must be granule-aligned and the end aligned or at/after the size; anything else is
   * a caller bug and throws, as does a negative or fractional offset or length. The range is
   * clipped to size.
   */
  reset(offset: Bytes, bytes: Bytes): void {
    assertRange(offset, bytes, 'reset');
    const end = Math.min(offset + bytes, this.#size);
    if (offset >= end) return;
    if (offset % this.granularity !== 0 || (end % this.granularity !== 0 && end !== this.#size)) {
      throw new RangeError(`HBitmap.reset(${offset}, ${bytes}) is not aligned to granularity ${this.granularity}`);
    }
    this.#runs.remove(this.#granule(offset), this.#granuleCeil(end));
  }

  /** hbitmap_reset_all. */
  clear(): void {
    this.#runs.clear();
  }

  /** hbitmap_get: is the granule holding byte `offset` dirty? False outside the bitmap. */
  get(offset: Bytes): boolean {
    if (offset < 0 || offset >= this.#size) return false;
    const g = this.#granule(offset);
    const run = this.#runs.runAtOrAfter(g);
    return run !== undefined && run.start <= g;
  }

  /**
   * hbitmap_next_dirty: first dirty byte in [start, min(start+count, size)), or -1. A start
   * inside a dirty granule is returned as is (QEMU's MAX(start, first_dirty_off)).
   */
  nextDirty(start: Bytes, count: Bytes = Infinity): Bytes | -1 {
    const end = this.#clipEnd(start, count);
    if (start >= end) return -1;
    const run = this.#runs.runAtOrAfter(this.#granule(start));
    if (run === undefined) return -1;
    const off = Math.max(start, run.start * this.granularity);
    return off < end ? off : -1;
  }

  /** hbitmap_next_zero: first clean byte in [start, min(start+count, size)), or -1. */
  nextZero(start: Bytes, count: Bytes = Infinity): Bytes | -1 {
    const end = this.#clipEnd(start, count);
    if (start >= end) return -1;
    const g = this.#granule(start);
    const run = this.#runs.runAtOrAfter(g);
    if (run === undefined || run.start > g) return start;
    const off = run.end * this.granularity;
    return off < end ? off : -1;
  }

  /**
   * hbitmap_next_dirty_area: the first dirty run in [start, end), at most maxCount bytes long,
   * ending at the next clean byte, `end` or the size, whichever comes first.
   */
  nextDirtyArea(start: Bytes, end: Bytes, maxCount: Bytes = Infinity): DirtyExtent | undefined {
    const stop = Math.min(end, this.#size);
    if (start >= stop) return undefined;
    const offset = this.nextDirty(start, stop - start);
    if (offset === -1) return undefined;
    const limit = offset + Math.min(stop - offset, maxCount);
    const zero = this.nextZero(offset, limit - offset);
    return { offset, length: (zero === -1 ? limit : zero) - offset };
  }

  /** Maximal dirty byte runs, ascending; the last one is clipped to size. */
  *extents(): IterableIterator<DirtyExtent> {
    for (const run of this.#runs.runs()) {
      const offset = run.start * this.granularity;
      yield { offset, length: Math.min(run.end * this.granularity, this.#size) - offset };
    }
  }

  /**
   * Dirty granule runs as granule indices [start, end), ascending, from the run holding or
   * following granule `fromGranule`: for pictures and diffs at one character per granule.
   */
  granuleRuns(fromGranule = 0): IterableIterator<GranuleRun> {
    return this.#runs.runs(fromGranule);
  }

  /**
   * hbitmap_merge: OR `source` into this; sizes must be equal. With different granularities this
   * is hbitmap_sparse_merge: each dirty byte run of the source, clipped to size, is set here and
   * so rounded out to our granules.
   */
  mergeFrom(source: HBitmap): void {
    // QEMU asserts this (hbitmap_can_merge); bdrv_merge_dirty_bitmap reports it to the user first.
    if (source.#size !== this.#size) throw new RangeError(`HBitmap.mergeFrom: sizes differ (${this.#size} and ${source.#size})`);
    const src = source.#runs;
    if (source.granularity === this.granularity) {
      this.#runs.addAll(src);
      return;
    }
    // A source run in bytes, clipped to size, rounded out to our granules: floor/ceil of the
    // granule index scaled by the (power of two) ratio, capped at our last granule.
    const ratio = source.granularity / this.granularity;
    const lastBit = this.nbits;
    this.#runs.addAll({
      runCount: src.runCount,
      forEachRun: (visit) => src.forEachRun((s, e) => visit(Math.floor(s * ratio), Math.min(Math.ceil(e * ratio), lastBit))),
    });
  }

  /**
   * hbitmap_truncate: shrinking clears every granule from ROUND_UP(newSize, granularity), so a
   * partially kept last granule keeps its bit; growing adds clean granules.
   */
  truncate(newSize: Bytes): void {
    assertBytes(newSize, 'size');
    const newBits = this.#granuleCeil(newSize);
    this.#runs.remove(newBits, Math.max(newBits, this.nbits));
    this.#size = newSize;
  }

  clone(): HBitmap {
    return new HBitmap(this.#size, this.granularity, this.#runs.clone());
  }

  /** x-debug-block-dirty-bitmap-sha256 as QEMU computes it on a 64-bit little-endian host. */
  sha256(): string {
    return hbitmapSha256(this.nbits, (visit) => this.#runs.forEachRun(visit));
  }

  #granule(offset: Bytes): number {
    return Math.floor(offset / this.granularity);
  }

  #granuleCeil(offset: Bytes): number {
    return Math.ceil(offset / this.granularity);
  }

  #clipEnd(start: Bytes, count: Bytes): Bytes {
    return count === 0 ? start : Math.min(start + count, this.#size);
  }
}

function isPow2(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 1 && 2 ** Math.round(Math.log2(n)) === n;
}

/** hbitmap_set/hbitmap_reset take uint64_t ranges: anything else cannot come from a real request. */
function assertRange(offset: number, bytes: number, op: string): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(bytes) || bytes < 0) {
    throw new RangeError(`HBitmap.${op}(${offset}, ${bytes}): offset and length must be byte counts`);
  }
}

function assertBytes(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`HBitmap ${what} must be a byte count, got ${n}`);
}
