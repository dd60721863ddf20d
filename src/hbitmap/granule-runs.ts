/**
 * Run storage for HBitmap: the set granules as sorted, disjoint, non-adjacent half-open runs
 * [start, end) of granule indices. Indices are plain numbers (exact up to 2^53), never 32-bit.
 * Memory grows with the number of runs, not with the disk size.
 */

/** A run of set granules, [start, end) in granule indices. */
export interface GranuleRun {
  readonly start: number;
  readonly end: number;
}

export class GranuleRuns {
  #starts: number[] = [];
  #ends: number[] = [];
  #count = 0;

  /** Number of set granules, maintained incrementally. */
  get count(): number {
    return this.#count;
  }

  get runCount(): number {
    return this.#starts.length;
  }

  /** Sets [start, end); returns how many granules were newly set. */
  add(start: number, end: number): number {
    if (start >= end) return 0;
    // Runs that overlap or touch [start, end) merge into one.
    const i = this.#firstEndingAtOrAfter(start);
    let j = i;
    let lo = start;
    let hi = end;
    let covered = 0;
    while (j < this.#starts.length && this.#starts[j]! <= end) {
      lo = Math.min(lo, this.#starts[j]!);
      hi = Math.max(hi, this.#ends[j]!);
      covered += this.#ends[j]! - this.#starts[j]!;
      j++;
    }
    this.#starts.splice(i, j - i, lo);
    this.#ends.splice(i, j - i, hi);
    const added = hi - lo - covered;
    this.#count += added;
    return added;
  }

  /** Clears [start, end); returns how many granules were cleared. */
  remove(start: number, end: number): number {
    if (start >= end) return 0;
    const i = this.#firstEndingAtOrAfter(start + 1);
    let j = i;
    let removed = 0;
    const keptStarts: number[] = [];
    const keptEnds: number[] = [];
    while (j < this.#starts.length && this.#starts[j]! < end) {
      const s = this.#starts[j]!;
      const e = this.#ends[j]!;
      if (s < start) { keptStarts.push(s); keptEnds.push(start); }
      if (e > end) { keptStarts.push(end); keptEnds.push(e); }
      removed += Math.min(e, end) - Math.max(s, start);
      j++;
    }
    this.#starts.splice(i, j - i, ...keptStarts);
    this.#ends.splice(i, j - i, ...keptEnds);
    this.#count -= removed;
    return removed;
  }

  clear(): void {
    this.#starts = [];
    this.#ends = [];
    this.#count = 0;
  }

  /** The run containing granule g, or the first run after it; undefined if none. */
  runAtOrAfter(g: number): GranuleRun | undefined {
    const i = this.#firstEndingAtOrAfter(g + 1);
    if (i >= this.#starts.length) return undefined;
    return { start: this.#starts[i]!, end: this.#ends[i]! };
  }

  /** Runs in ascending order, starting with the one containing or following granule `from`. */
  *runs(from = 0): IterableIterator<GranuleRun> {
    for (let i = this.#firstEndingAtOrAfter(from + 1); i < this.#starts.length; i++) {
      yield { start: this.#starts[i]!, end: this.#ends[i]! };
    }
  }

  clone(): GranuleRuns {
    const c = new GranuleRuns();
    c.#starts = this.#starts.slice();
    c.#ends = this.#ends.slice();
    c.#count = this.#count;
    return c;
  }

  /** Index of the first run whose end is >= g (binary search). */
  #firstEndingAtOrAfter(g: number): number {
    let lo = 0;
    let hi = this.#ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ends[mid]! < g) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
