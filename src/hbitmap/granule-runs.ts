/**
 * Run storage for HBitmap: the set granules as sorted, disjoint, non-adjacent half-open runs
 * [start, end) of granule indices. Indices are plain numbers (exact up to 2^53), never 32-bit.
 *
 * The runs live in a list of leaves (a two-level B+ tree): each leaf holds up to `leafCapacity`
 * runs in typed arrays, so a random insert shifts at most one leaf and splits it when full,
 * instead of shifting one huge array (which made 10^6 random writes quadratic). Memory grows
 * with the number of runs, never with the disk size: a whole 64 TiB disk dirty is one run.
 */

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

interface Leaf {
  starts: Float64Array;
  ends: Float64Array;
  n: number;
}

/** A position in the run sequence: run `r` of leaf `l` (r may equal the leaf's n: "after it"). */
interface Pos {
  l: number;
  r: number;
}

const DEFAULT_LEAF_CAPACITY = 256;

export class GranuleRuns {
  readonly #cap: number;
  #leaves: Leaf[];
  #count = 0;
  #runCount = 0;

  /** leafCapacity is a tuning knob; tests shrink it to reach leaf seams with few runs. */
  constructor(leafCapacity = DEFAULT_LEAF_CAPACITY) {
    if (!Number.isInteger(leafCapacity) || leafCapacity < 4) throw new RangeError(`leafCapacity must be >= 4, got ${leafCapacity}`);
    this.#cap = leafCapacity;
    this.#leaves = [this.#newLeaf()];
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
    const from = this.#locate(start);
    const to = { l: from.l, r: from.r };
    let lo = start;
    let hi = end;
    let covered = 0;
    this.#walk(to, (s) => s <= end, (s, e) => {
      if (s < lo) lo = s;
      if (e > hi) hi = e;
      covered += e - s;
    });
    this.#splice(from, to, [lo], [hi]);
    const added = hi - lo - covered;
    this.#count += added;
    return added;
  }

  /** Clears [start, end); returns how many granules were cleared. */
  remove(start: number, end: number): number {
    if (start >= end) return 0;
    const from = this.#locate(start + 1);
    const to = { l: from.l, r: from.r };
    let first = Infinity;
    let last = -Infinity;
    let removed = 0;
    this.#walk(to, (s) => s < end, (s, e) => {
      if (s < first) first = s;
      last = e;
      removed += Math.min(e, end) - Math.max(s, start);
    });
    if (removed === 0) return 0;
    // The first and last touched runs may keep a piece outside [start, end).
    const starts: number[] = [];
    const ends: number[] = [];
    if (first < start) { starts.push(first); ends.push(start); }
    if (last > end) { starts.push(end); ends.push(last); }
    this.#splice(from, to, starts, ends);
    this.#count -= removed;
    return removed;
  }

  clear(): void {
    this.#leaves = [this.#newLeaf()];
    this.#count = 0;
    this.#runCount = 0;
  }

  /** The run containing granule g, or the first run after it; undefined if none. */
  runAtOrAfter(g: number): GranuleRun | undefined {
    const { l, r } = this.#normalize(this.#locate(g + 1));
    const leaf = this.#leaves[l]!;
    return r < leaf.n ? { start: leaf.starts[r]!, end: leaf.ends[r]! } : undefined;
  }

  /** Runs in ascending order, starting with the one containing or following granule `from`. */
  *runs(from = 0): IterableIterator<GranuleRun> {
    let { l, r } = this.#locate(from + 1);
    for (; l < this.#leaves.length; l++, r = 0) {
      const leaf = this.#leaves[l]!;
      for (; r < leaf.n; r++) yield { start: leaf.starts[r]!, end: leaf.ends[r]! };
    }
  }

  /** Calls visit(start, end) for every run in ascending order; the allocation-free path for bulk work. */
  forEachRun(visit: (start: number, end: number) => void): void {
    for (const leaf of this.#leaves) {
      for (let r = 0; r < leaf.n; r++) visit(leaf.starts[r]!, leaf.ends[r]!);
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
    const starts = new Float64Array(source.runCount);
    const ends = new Float64Array(source.runCount);
    let k = 0;
    source.forEachRun((s, e) => {
      starts[k] = s;
      ends[k++] = e;
    });
    const out = new GranuleRuns(this.#cap);
    let i = 0;
    this.forEachRun((s, e) => {
      for (; i < k && starts[i]! <= s; i++) out.#append(starts[i]!, ends[i]!);
      out.#append(s, e);
    });
    for (; i < k; i++) out.#append(starts[i]!, ends[i]!);
    this.#leaves = out.#leaves;
    this.#count = out.#count;
    this.#runCount = out.#runCount;
  }

  clone(): GranuleRuns {
    const c = new GranuleRuns(this.#cap);
    c.#leaves = this.#leaves.map((leaf) => ({ starts: leaf.starts.slice(), ends: leaf.ends.slice(), n: leaf.n }));
    c.#count = this.#count;
    c.#runCount = this.#runCount;
    return c;
  }

  /** Appends a run starting at or after every stored start, coalescing with the last run. */
  #append(s: number, e: number): void {
    if (s >= e) return;
    let leaf = this.#leaves[this.#leaves.length - 1]!;
    if (leaf.n > 0 && s <= leaf.ends[leaf.n - 1]!) {
      const lastEnd = leaf.ends[leaf.n - 1]!;
      if (e > lastEnd) {
        leaf.ends[leaf.n - 1] = e;
        this.#count += e - lastEnd;
      }
      return;
    }
    // Leave room in bulk-built leaves so later random inserts do not split at once.
    if (leaf.n >= this.#cap - (this.#cap >> 3)) {
      leaf = this.#newLeaf();
      this.#leaves.push(leaf);
    }
    leaf.starts[leaf.n] = s;
    leaf.ends[leaf.n] = e;
    leaf.n++;
    this.#count += e - s;
    this.#runCount++;
  }

  /** Advances `pos` over consecutive runs while keep(start) holds, calling visit on each. */
  #walk(pos: Pos, keep: (start: number) => boolean, visit: (start: number, end: number) => void): void {
    for (;;) {
      const leaf = this.#leaves[pos.l]!;
      if (pos.r < leaf.n) {
        const s = leaf.starts[pos.r]!;
        if (!keep(s)) return;
        visit(s, leaf.ends[pos.r]!);
        pos.r++;
        continue;
      }
      const next = this.#leaves[pos.l + 1];
      if (next === undefined || !keep(next.starts[0]!)) return;
      pos.l++;
      pos.r = 0;
    }
  }

  /** Replaces the runs in [from, to) with the given ones (in order, fitting between neighbours). */
  #splice(from: Pos, to: Pos, starts: readonly number[], ends: readonly number[]): void {
    if (from.l !== to.l) {
      // Cut the tail of from's leaf, the head of to's leaf and every leaf in between, then put
      // the new runs at the end of from's leaf.
      const head = this.#leaves[from.l]!;
      const tail = this.#leaves[to.l]!;
      let removed = head.n - from.r + to.r;
      for (let l = from.l + 1; l < to.l; l++) removed += this.#leaves[l]!.n;
      head.n = from.r;
      tail.starts.copyWithin(0, to.r, tail.n);
      tail.ends.copyWithin(0, to.r, tail.n);
      tail.n -= to.r;
      this.#leaves.splice(from.l + 1, to.l - from.l - 1);
      this.#runCount -= removed;
      if (tail.n === 0) this.#leaves.splice(from.l + 1, 1);
      this.#spliceLeaf(from.l, from.r, from.r, starts, ends);
    } else {
      this.#spliceLeaf(from.l, from.r, to.r, starts, ends);
    }
  }

  /** Replaces runs [r0, r1) of leaf l, splitting the leaf if it overflows, dropping it if empty. */
  #spliceLeaf(l: number, r0: number, r1: number, starts: readonly number[], ends: readonly number[]): void {
    let leaf = this.#leaves[l]!;
    const k = starts.length;
    const shift = k - (r1 - r0);
    if (leaf.n + shift > this.#cap) {
      // Overflow needs k > r1 - r0, and k <= 2, so [r0, r1) holds at most one run and lies
      // wholly on one side of the split; each half has room for 2 runs since cap >= 4.
      const half = leaf.n >> 1;
      const right = this.#newLeaf();
      right.starts.set(leaf.starts.subarray(half, leaf.n));
      right.ends.set(leaf.ends.subarray(half, leaf.n));
      right.n = leaf.n - half;
      leaf.n = half;
      this.#leaves.splice(l + 1, 0, right);
      if (r0 > half || (r0 === half && r1 > half)) {
        leaf = right;
        r0 -= half;
        r1 -= half;
      }
    }
    if (shift !== 0) {
      leaf.starts.copyWithin(r1 + shift, r1, leaf.n);
      leaf.ends.copyWithin(r1 + shift, r1, leaf.n);
    }
    for (let i = 0; i < k; i++) {
      leaf.starts[r0 + i] = starts[i]!;
      leaf.ends[r0 + i] = ends[i]!;
    }
    leaf.n += shift;
    this.#runCount += shift;
    // Only a leaf that was not split can end up empty, and that one is at index l.
    if (leaf.n === 0 && this.#leaves.length > 1) this.#leaves.splice(l, 1);
  }

  /** First position whose run ends at or after g (the end position if none). */
  #locate(g: number): Pos {
    const leaves = this.#leaves;
    let lo = 0;
    let hi = leaves.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const leaf = leaves[mid]!;
      if (leaf.n === 0 || leaf.ends[leaf.n - 1]! < g) lo = mid + 1;
      else hi = mid;
    }
    const leaf = leaves[lo]!;
    let a = 0;
    let b = leaf.n;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (leaf.ends[mid]! < g) a = mid + 1;
      else b = mid;
    }
    return { l: lo, r: a };
  }

  /** Moves an "after the last run of a leaf" position to the first run of the next leaf. */
  #normalize(pos: Pos): Pos {
    return pos.r === this.#leaves[pos.l]!.n && pos.l + 1 < this.#leaves.length ? { l: pos.l + 1, r: 0 } : pos;
  }

  #newLeaf(): Leaf {
    return { starts: new Float64Array(this.#cap), ends: new Float64Array(this.#cap), n: 0 };
  }
}
