/**
 * Run storage for HBitmap: the set granules as sorted, disjoint, non-adjacent half-open runs
 * [start, end) of granule indices. Indices are plain numbers (exact up to 2^53), never 32-bit.
 *
 * The runs live in a list of leaves (a two-level B+ tree): each leaf holds up to `leafCapacity`
 * runs as (start, end) pairs in one Float64Array, so a random insert shifts at most one leaf
 * and splits it when full, instead of shifting one huge array (quadratic over 10^6 random
 * writes). A flat array of each leaf's last end makes finding the leaf a cache-friendly binary
 * search. Memory grows with the number of runs, never with the disk size: a whole 64 TiB disk
 * dirty is one run.
 */

import { leafSlab, newLeaf, type Leaf } from './leaf.ts';
import { mergeLeaves, type MergedLeaves } from './leaf-merge.ts';

/** A run of set granules, [start, end) in granule indices. */
export interface GranuleRun {
  readonly start: number;
  readonly end: number;
}

/** Anything that can list runs in ascending order of start, e.g. another GranuleRuns. */
export interface RunSource {
  readonly runCount: number;
  forEachRun(visit: (start: number, end: number) => void): void;
}

const DEFAULT_LEAF_CAPACITY = 512;

export class GranuleRuns {
  readonly #cap: number;
  #leaves: Leaf[] = [];
  /** lastEnds[i] is the end of leaf i's last run (-Infinity for the only, empty, leaf). */
  #lastEnds: number[] = [];
  #count = 0;
  #runCount = 0;
  // Scratch results of #locate and #walk, in fields so the hot paths allocate nothing.
  #pl = 0;
  #pr = 0;
  #ql = 0;
  #qr = 0;
  #wFirst = 0;
  #wLast = 0;
  #wSum = 0;

  /** leafCapacity is a tuning knob; tests shrink it to reach leaf seams with few runs. */
  constructor(leafCapacity = DEFAULT_LEAF_CAPACITY) {
    if (!Number.isInteger(leafCapacity) || leafCapacity < 4) throw new RangeError(`leafCapacity must be >= 4, got ${leafCapacity}`);
    this.#cap = leafCapacity;
    this.clear();
  }

  /** Number of set granules, maintained incrementally. */
  get count(): number {
    return this.#count;
  }

  get runCount(): number {
    return this.#runCount;
  }

  /** Sets [start, end); returns how many granules were newly set. */
  add(start: number, end: number): number {
    if (start >= end) return 0;
    // Every run that overlaps or touches [start, end) merges into one.
    this.#locate(start);
    const l0 = this.#pl;
    const r0 = this.#pr;
    this.#walk(end);
    const lo = Math.min(start, this.#wFirst);
    const hi = Math.max(end, this.#wLast);
    this.#splice(l0, r0, 1, lo, hi, 0, 0);
    const added = hi - lo - this.#wSum;
    this.#count += added;
    return added;
  }

  /** Clears [start, end); returns how many granules were cleared. */
  remove(start: number, end: number): number {
    if (start >= end) return 0;
    this.#locate(start + 1);
    const l0 = this.#pl;
    const r0 = this.#pr;
    this.#walk(end - 1);
    if (this.#wSum === 0) return 0;
    // The first and last touched runs may keep a piece outside [start, end).
    const first = this.#wFirst;
    const last = this.#wLast;
    const removed = this.#wSum - Math.max(0, start - first) - Math.max(0, last - end);
    if (first < start) this.#splice(l0, r0, last > end ? 2 : 1, first, start, end, last);
    else this.#splice(l0, r0, last > end ? 1 : 0, end, last, 0, 0);
    this.#count -= removed;
    return removed;
  }

  clear(): void {
    this.#leaves = [this.#newLeaf()];
    this.#lastEnds = [-Infinity];
    this.#count = 0;
    this.#runCount = 0;
  }

  /** The run containing granule g, or the first run after it; undefined if none. */
  runAtOrAfter(g: number): GranuleRun | undefined {
    this.#locate(g + 1);
    const { runs, n } = this.#leaves[this.#pl]!;
    const r = this.#pr;
    return r < n ? { start: runs[2 * r]!, end: runs[2 * r + 1]! } : undefined;
  }

  /** Runs in ascending order, starting with the one containing or following granule `from`. */
  *runs(from = 0): IterableIterator<GranuleRun> {
    this.#locate(from + 1);
    let r = this.#pr;
    for (let l = this.#pl; l < this.#leaves.length; l++, r = 0) {
      const { runs, n } = this.#leaves[l]!;
      for (; r < n; r++) yield { start: runs[2 * r]!, end: runs[2 * r + 1]! };
    }
  }

  /** Calls visit(start, end) for every run in ascending order; the allocation-free path for bulk work. */
  forEachRun(visit: (start: number, end: number) => void): void {
    for (const { runs, n } of this.#leaves) {
      for (let i = 0; i < 2 * n; i += 2) visit(runs[i]!, runs[i + 1]!);
    }
  }

  /**
   * ORs in the runs of `source`, which visits them in ascending order of start (they may overlap
   * or touch each other). A few runs go in one by one; many are merged with ours in one pass.
   */
  addAll(source: RunSource): void {
    if (source === this) return;
    if (source.runCount * 16 < this.#runCount) {
      source.forEachRun((s, e) => this.add(s, e));
      return;
    }
    if (source instanceof GranuleRuns) {
      this.#adopt(mergeLeaves(this.#leaves, this.#runCount, source.#leaves, this.#cap));
      return;
    }
    // mergeLeaves wants disjoint non-empty runs, as our own leaves hold: coalesce on the way in.
    const runs = new Float64Array(2 * source.runCount);
    let k = 0;
    source.forEachRun((s, e) => {
      if (s >= e) return;
      if (k > 0 && s <= runs[k - 1]!) {
        runs[k - 1] = Math.max(runs[k - 1]!, e);
        return;
      }
      runs[k++] = s;
      runs[k++] = e;
    });
    this.#adopt(mergeLeaves(this.#leaves, this.#runCount, [{ runs, n: k / 2 }], this.#cap));
  }

  #adopt(merged: MergedLeaves): void {
    this.#leaves = merged.leaves;
    this.#lastEnds = merged.lastEnds;
    this.#count = merged.count;
    this.#runCount = merged.runCount;
  }

  clone(): GranuleRuns {
    const c = new GranuleRuns(this.#cap);
    const fromSlab = leafSlab(this.#cap, this.#leaves.length);
    c.#leaves = this.#leaves.map((leaf) => {
      const copy = fromSlab();
      copy.runs.set(leaf.runs.subarray(0, 2 * leaf.n));
      copy.n = leaf.n;
      return copy;
    });
    c.#lastEnds = this.#lastEnds.slice();
    c.#count = this.#count;
    c.#runCount = this.#runCount;
    return c;
  }

  /**
   * From the position #locate left in #pl/#pr, walks over the runs starting at or before
   * `limit`, leaving the position after them in #ql/#qr and their first start, last end and
   * total length in #wFirst/#wLast/#wSum (Infinity/-Infinity/0 when there are none).
   */
  #walk(limit: number): void {
    const leaves = this.#leaves;
    let l = this.#pl;
    let r = this.#pr;
    let leaf = leaves[l]!;
    let first = Infinity;
    let last = -Infinity;
    let sum = 0;
    for (;;) {
      if (r < leaf.n) {
        const s = leaf.runs[2 * r]!;
        if (s > limit) break;
        if (first === Infinity) first = s;
        last = leaf.runs[2 * r + 1]!;
        sum += last - s;
        r++;
        continue;
      }
      const next = leaves[l + 1];
      if (next === undefined || next.runs[0]! > limit) break;
      leaf = next;
      l++;
      r = 0;
    }
    this.#ql = l;
    this.#qr = r;
    this.#wFirst = first;
    this.#wLast = last;
    this.#wSum = sum;
  }

  /**
   * Replaces the runs from (l0, r0) up to the walk's end (#ql, #qr) with k <= 2 runs
   * [s0, e0), [s1, e1) that fit between the neighbours.
   */
  #splice(l0: number, r0: number, k: number, s0: number, e0: number, s1: number, e1: number): void {
    const l1 = this.#ql;
    const r1 = this.#qr;
    if (l0 === l1) {
      this.#spliceLeaf(l0, r0, r1, k, s0, e0, s1, e1);
      return;
    }
    // Cut the tail of the first leaf, the head of the last one and every leaf in between, then
    // put the new runs at the end of the first leaf.
    const head = this.#leaves[l0]!;
    const tail = this.#leaves[l1]!;
    let removed = head.n - r0 + r1;
    for (let l = l0 + 1; l < l1; l++) removed += this.#leaves[l]!.n;
    head.n = r0;
    tail.runs.copyWithin(0, 2 * r1, 2 * tail.n);
    tail.n -= r1;
    const dropTail = tail.n === 0 ? 1 : 0;
    this.#leaves.splice(l0 + 1, l1 - l0 - 1 + dropTail);
    this.#lastEnds.splice(l0 + 1, l1 - l0 - 1 + dropTail);
    this.#runCount -= removed;
    this.#spliceLeaf(l0, r0, r0, k, s0, e0, s1, e1);
  }

  /** Replaces runs [r0, r1) of leaf l, splitting the leaf if it overflows, dropping it if empty. */
  #spliceLeaf(l: number, r0: number, r1: number, k: number, s0: number, e0: number, s1: number, e1: number): void {
    let leaf = this.#leaves[l]!;
    const shift = k - (r1 - r0);
    if (leaf.n + shift > this.#cap) {
      // Overflow needs k > r1 - r0, and k <= 2, so [r0, r1) holds at most one run and lies
      // wholly on one side of the split; each half has room for 2 runs since cap >= 4.
      const half = leaf.n >> 1;
      const right = this.#newLeaf();
      right.runs.set(leaf.runs.subarray(2 * half, 2 * leaf.n));
      right.n = leaf.n - half;
      leaf.n = half;
      this.#leaves.splice(l + 1, 0, right);
      this.#lastEnds.splice(l + 1, 0, right.runs[2 * right.n - 1]!);
      this.#lastEnds[l] = leaf.runs[2 * half - 1]!;
      if (r0 > half || (r0 === half && r1 > half)) {
        leaf = right;
        l++;
        r0 -= half;
        r1 -= half;
      }
    }
    const runs = leaf.runs;
    if (shift !== 0 && r1 < leaf.n) runs.copyWithin(2 * (r1 + shift), 2 * r1, 2 * leaf.n);
    if (k > 0) {
      runs[2 * r0] = s0;
      runs[2 * r0 + 1] = e0;
    }
    if (k > 1) {
      runs[2 * r0 + 2] = s1;
      runs[2 * r0 + 3] = e1;
    }
    leaf.n += shift;
    this.#runCount += shift;
    if (leaf.n > 0) {
      this.#lastEnds[l] = runs[2 * leaf.n - 1]!;
    } else if (this.#leaves.length > 1) {
      this.#leaves.splice(l, 1);
      this.#lastEnds.splice(l, 1);
    } else {
      this.#lastEnds[l] = -Infinity;
    }
  }

  /** Finds the first run ending at or after g, into #pl/#pr (after the last run if none). */
  #locate(g: number): void {
    const lastEnds = this.#lastEnds;
    let lo = 0;
    let hi = lastEnds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (lastEnds[mid]! < g) lo = mid + 1;
      else hi = mid;
    }
    const { runs, n } = this.#leaves[lo]!;
    let a = 0;
    let b = n;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (runs[2 * mid + 1]! < g) a = mid + 1;
      else b = mid;
    }
    this.#pl = lo;
    this.#pr = a;
  }

  #newLeaf(): Leaf {
    return newLeaf(this.#cap);
  }
}
