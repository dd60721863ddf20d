/**
 * What a range of an image holds: sorted, non-overlapping runs of one pattern byte each.
 *
 * Guest data is symbolic: `write -P 0x11 64K 4K` stores one run {64K, 68K, 0x11}; a zero write
 * stores byte 0. A range with no run is unallocated (a qcow2 layer falls through to its backing
 * file there; a raw file reads zeroes). Adjacent runs with the same byte are merged, so a
 * 64 TiB device written in a few patterns stays a few runs. Lookups are binary searches.
 *
 *   set(0, 8, 0xaa); set(4, 8, 0xbb)  ->  [0,4)=aa [4,12)=bb
 *   clear(2, 4)                        ->  [0,2)=aa [6,12)=bb
 */
import type { Bytes } from '../size.ts';

/** One run of equal bytes: [start, end) holds `byte` (0..255; 0 means zeroes). */
export interface Run {
  readonly start: Bytes;
  readonly end: Bytes;
  readonly byte: number;
}

/** A half-open byte range [start, end). */
export interface Range {
  readonly start: Bytes;
  readonly end: Bytes;
}

export class ExtentMap {
  private runs: Run[] = [];

  /** Every allocated run, in order. */
  all(): readonly Run[] {
    return this.runs;
  }

  /** Store `byte` over [offset, offset + bytes). */
  set(offset: Bytes, bytes: Bytes, byte: number): void {
    this.splice(offset, offset + bytes, bytes > 0 ? [{ start: offset, end: offset + bytes, byte }] : []);
  }

  /** Store a list of runs (e.g. what a read returned), each over its own range. */
  setRuns(runs: readonly Run[]): void {
    for (const r of runs) this.set(r.start, r.end - r.start, r.byte);
  }

  /** Deallocate [offset, offset + bytes). */
  clear(offset: Bytes, bytes: Bytes): void {
    this.splice(offset, offset + bytes, []);
  }

  /** Drop everything at or past `size` (shrinking an image). */
  truncate(size: Bytes): void {
    this.splice(size, Number.MAX_SAFE_INTEGER, []);
  }

  /** The allocated runs inside [offset, offset + bytes), clipped to it. */
  allocated(offset: Bytes, bytes: Bytes): Run[] {
    const end = offset + bytes;
    const out: Run[] = [];
    for (let i = this.firstEndingAfter(offset); i < this.runs.length; i++) {
      const r = this.runs[i] as Run;
      if (r.start >= end) break;
      out.push({ start: Math.max(r.start, offset), end: Math.min(r.end, end), byte: r.byte });
    }
    return out;
  }

  /** [offset, offset + bytes) as runs covering all of it, holes read as zeroes. */
  read(offset: Bytes, bytes: Bytes): Run[] {
    const holes = this.holes(offset, bytes).map((h) => ({ ...h, byte: 0 }));
    return mergeRuns([...this.allocated(offset, bytes), ...holes].sort((a, b) => a.start - b.start));
  }

  /** The unallocated sub-ranges of [offset, offset + bytes). */
  holes(offset: Bytes, bytes: Bytes): Range[] {
    return complement(this.allocated(offset, bytes), offset, offset + bytes);
  }

  /** Index of the first run whose end lies after `offset`. */
  private firstEndingAfter(offset: Bytes): number {
    let lo = 0;
    let hi = this.runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.runs[mid] as Run).end <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Replace whatever lies in [start, end) with `middle`, keeping the parts of cut runs outside. */
  private splice(start: Bytes, end: Bytes, middle: Run[]): void {
    if (end <= start) return;
    // Include the neighbours that merely touch the range, so equal bytes merge across its edges.
    let i = this.firstEndingAfter(start);
    if (i > 0 && (this.runs[i - 1] as Run).end === start) i--;
    let j = i;
    const pieces: Run[] = [];
    while (j < this.runs.length && (this.runs[j] as Run).start <= end) {
      const r = this.runs[j] as Run;
      if (r.start < start) pieces.push({ start: r.start, end: Math.min(r.end, start), byte: r.byte });
      if (r.end > end) pieces.push({ start: Math.max(r.start, end), end: r.end, byte: r.byte });
      j++;
    }
    const merged = mergeRuns([...pieces, ...middle].sort((a, b) => a.start - b.start));
    this.runs.splice(i, j - i, ...merged);
  }
}

/** Merge touching runs of the same byte; the input is sorted and non-overlapping. */
export function mergeRuns(runs: readonly Run[]): Run[] {
  const out: Run[] = [];
  for (const r of runs) {
    if (r.end <= r.start) continue;
    const last = out.at(-1);
    if (last !== undefined && last.end === r.start && last.byte === r.byte) {
      out[out.length - 1] = { start: last.start, end: r.end, byte: r.byte };
    } else {
      out.push(r);
    }
  }
  return out;
}

/** The parts of `runs` inside [start, end), cut at its edges. */
export function clipRuns(runs: readonly Run[], start: Bytes, end: Bytes): Run[] {
  return runs
    .filter((r) => r.end > start && r.start < end)
    .map((r) => ({ start: Math.max(r.start, start), end: Math.min(r.end, end), byte: r.byte }));
}

/** The parts of [start, end) not covered by the sorted ranges `covered`. */
export function complement(covered: readonly Range[], start: Bytes, end: Bytes): Range[] {
  const out: Range[] = [];
  let at = start;
  for (const c of covered) {
    if (c.start > at) out.push({ start: at, end: Math.min(c.start, end) });
    at = Math.max(at, c.end);
  }
  if (at < end) out.push({ start: at, end });
  return out;
}
