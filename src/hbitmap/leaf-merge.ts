/**
 * The linear union of two GranuleRuns leaf lists, for hbitmap_merge's OR without one insert
 * per run (a source of another granularity arrives as runs already scaled to ours).
 *
 * Two bitmaps dirtied by unrelated writes interleave at random, so a compare-and-branch merge
 * mispredicts about every other run. The hot loop instead picks the run with the smaller start
 * by 32-bit integer masks, on offsets from a window base: granule indices need up to 53 bits,
 * but the runs of two current leaves usually lie within 2^31 granules of each other. Where they
 * do not (a huge run, a sparse huge disk) one run at a time goes the plain float way.
 * It is all one function on purpose: the cursors stay in locals, which is what makes it fast.
 */
import { leafSlab, type Leaf } from './leaf.ts';

/** A rebuilt leaf list with its last-end index and totals. */
export interface MergedLeaves {
  readonly leaves: Leaf[];
  readonly lastEnds: number[];
  readonly count: number;
  readonly runCount: number;
}

/** Offsets from a window's base must stay below this for the integer compare to be exact. */
const WINDOW = 2 ** 31;

/**
 * The union of `ours` (ourRunCount runs) and `theirs`, each a list of leaves holding sorted,
 * disjoint, non-empty runs. `ours` is consumed: its buffers are reused for the output, so the
 * caller must drop it. `theirs` is only read.
 */
export function mergeLeaves(ours: readonly Leaf[], ourRunCount: number, theirs: readonly Leaf[], cap: number): MergedLeaves {
  // Output leaves hold fill - 1 runs: room for later random inserts before they split.
  const fill = cap - (cap >> 3);
  const full = 2 * fill;
  const leaves: Leaf[] = [];
  const lastEnds: number[] = [];
  let theirCount = 0;
  for (const leaf of theirs) theirCount += leaf.n;
  // Our leaves are read once, in order; each one used up becomes an output leaf, which saves
  // the page faults of fresh memory for most of the output. The slab covers the rest with a
  // margin (single leaves any surplus): allocating no more than that also spares a garbage
  // collection for external memory pressure in the middle of the merge.
  const needed = Math.ceil((ourRunCount + theirCount) / (fill - 1)) + 1;
  const fromSlab = leafSlab(cap, Math.max(0, needed - ours.length) + (needed >> 4) + 1);
  const spent: Float64Array[] = [];
  let cur = fromSlab();
  let out = cur.runs;
  let n = 0; // doubles used in `out`; the last run written is always out[n - 2], out[n - 1]
  let curEnd = -Infinity;
  let count = 0;
  let runCount = 0;
  let ai = 0, aj = 0, A = ours[0]!.runs, aLen = 2 * ours[0]!.n;
  let bi = 0, bj = 0, B = theirs[0]?.runs ?? A, bLen = 2 * (theirs[0]?.n ?? 0);
  for (;;) {
    while (aj >= aLen && ai + 1 < ours.length) {
      spent.push(A);
      A = ours[++ai]!.runs;
      aLen = 2 * ours[ai]!.n;
      aj = 0;
    }
    while (bj >= bLen && bi + 1 < theirs.length) {
      B = theirs[++bi]!.runs;
      bLen = 2 * theirs[bi]!.n;
      bj = 0;
    }
    if (n >= full) {
      // The last run moves on into the next leaf, so a run that touches it finds it there.
      const next = spent.pop() ?? fromSlab().runs;
      next[0] = out[n - 2]!;
      next[1] = out[n - 1]!;
      cur.n = fill - 1;
      leaves.push(cur);
      lastEnds.push(out[n - 3]!);
      cur = { runs: next, n: 0 };
      out = next;
      n = 2;
    }
    const aLeft = aj < aLen;
    const bLeft = bj < bLen;
    if (!aLeft && !bLeft) break;
    // The window: from the smaller current start to the larger last end of the two leaves.
    const base = Math.min(A[aj] ?? Infinity, B[bj] ?? Infinity);
    const hi = Math.max(A[aLen - 1] ?? Infinity, B[bLen - 1] ?? Infinity);
    if (aLeft && bLeft && hi - base < WINDOW) {
      // Every offset from base in both current leaves fits 31 bits, and so does the last
      // run's end: the side it came from still has runs after it, all below hi.
      let end = curEnd < base ? -1 : curEnd - base;
      let i = aj, j = bj, m = n, c = 0;
      while (i < aLen && j < bLen && m < full) {
        const sa = (A[i]! - base) | 0;
        const sb = (B[j]! - base) | 0;
        const ea = (A[i + 1]! - base) | 0;
        const eb = (B[j + 1]! - base) | 0;
        const t = ((sb - sa) >>> 31) ^ 1; // 1 when sa <= sb: take ours first on a tie
        const mask = -t;
        const s = sb ^ ((sa ^ sb) & mask);
        const e = eb ^ ((ea ^ eb) & mask);
        i += t << 1;
        j += (t ^ 1) << 1;
        if (s > end) {
          out[m] = base + s;
          out[m + 1] = base + e;
          m += 2;
          c += e - s;
          end = e;
        } else if (e > end) {
          out[m - 1] = base + e;
          c += e - end;
          end = e;
        }
      }
      runCount += (m - n) >> 1;
      aj = i;
      bj = j;
      n = m;
      count += c;
      curEnd = base + end; // the loop ran at least once, so end is a real end
      continue;
    }
    // In floats: the rest of a leaf once the other side is used up, or a single run when the
    // two sides lie too far apart for the window.
    do {
      let s: number;
      let e: number;
      if (aj < aLen && (bj >= bLen || A[aj]! <= B[bj]!)) {
        s = A[aj]!;
        e = A[aj + 1]!;
        aj += 2;
      } else {
        s = B[bj]!;
        e = B[bj + 1]!;
        bj += 2;
      }
      if (s > curEnd) {
        out[n] = s;
        out[n + 1] = e;
        n += 2;
        count += e - s;
        runCount++;
        curEnd = e;
      } else if (e > curEnd) {
        out[n - 1] = e;
        count += e - curEnd;
        curEnd = e;
      }
    } while (!(aLeft && bLeft) && n < full && (aj < aLen || bj < bLen));
  }
  cur.n = n >> 1;
  leaves.push(cur);
  lastEnds.push(curEnd);
  return { leaves, lastEnds, count, runCount };
}
