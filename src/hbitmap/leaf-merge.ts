/**
 * The linear union of two GranuleRuns leaf lists, for merging bitmaps of the same geometry
 * (hbitmap_merge's OR) without one insert per run.
 */
import { leafSlab, type Leaf } from './leaf.ts';

/** A rebuilt leaf list with its last-end index and totals. */
export interface MergedLeaves {
  readonly leaves: Leaf[];
  readonly lastEnds: number[];
  readonly count: number;
  readonly runCount: number;
}

/**
 * The union of `ours` (ourRunCount runs) and `theirs`, each a list of leaves in ascending order
 * (theirs may overlap or touch each other). `ours` is consumed: its buffers are reused for the
 * output, so the caller must drop it. `theirs` is only read.
 */
export function mergeLeaves(ours: readonly Leaf[], ourRunCount: number, theirs: readonly Leaf[], cap: number): MergedLeaves {
  const fill = cap - (cap >> 3); // leave room so later random inserts do not split at once
  const leaves: Leaf[] = [];
  const lastEnds: number[] = [];
  let theirCount = 0;
  for (const leaf of theirs) theirCount += leaf.n;
  const fromSlab = leafSlab(cap, Math.ceil((ourRunCount + theirCount) / fill) + 1);
  // Our leaves are read once, in order; each one used up becomes an output leaf, which saves
  // the page faults of fresh memory for most of the output.
  const spent: Float64Array[] = [];
  let cur = fromSlab();
  let out = cur.runs;
  let n = 0;
  let curEnd = -Infinity;
  let count = 0;
  let runCount = 0;
  // Each side's next start is Infinity once it is used up. Only a lone leaf can be empty.
  // The two branches below mirror each other on purpose: this is the merge's hot loop, and
  // keeping both cursors in locals is what makes it as fast as a dense OR.
  let ai = 0, aj = 0, aRuns = ours[0]!.runs, aLen = 2 * ours[0]!.n;
  let aS = aLen > 0 ? aRuns[0]! : Infinity;
  let bi = 0, bj = 0, bRuns = theirs[0]?.runs ?? aRuns, bLen = 2 * (theirs[0]?.n ?? 0);
  let bS = bLen > 0 ? bRuns[0]! : Infinity;
  for (;;) {
    let s: number;
    let e: number;
    if (aS <= bS) {
      if (aS === Infinity) break;
      s = aS;
      e = aRuns[aj + 1]!;
      aj += 2;
      if (aj < aLen) {
        aS = aRuns[aj]!;
      } else if (++ai < ours.length) {
        spent.push(aRuns);
        aRuns = ours[ai]!.runs;
        aLen = 2 * ours[ai]!.n;
        aj = 0;
        aS = aRuns[0]!;
      } else {
        aS = Infinity;
      }
    } else {
      s = bS;
      e = bRuns[bj + 1]!;
      bj += 2;
      if (bj < bLen) {
        bS = bRuns[bj]!;
      } else if (++bi < theirs.length) {
        bRuns = theirs[bi]!.runs;
        bLen = 2 * theirs[bi]!.n;
        bj = 0;
        bS = bRuns[0]!;
      } else {
        bS = Infinity;
      }
    }
    if (s >= e) continue;
    if (s <= curEnd) {
      // Overlaps or touches the last run, which is always the current leaf's last one.
      if (e > curEnd) {
        count += e - curEnd;
        curEnd = e;
        out[2 * n - 1] = e;
      }
      continue;
    }
    if (n >= fill) {
      cur.n = n;
      leaves.push(cur);
      lastEnds.push(curEnd);
      cur = { runs: spent.pop() ?? fromSlab().runs, n: 0 };
      out = cur.runs;
      n = 0;
    }
    out[2 * n] = s;
    out[2 * n + 1] = e;
    n++;
    curEnd = e;
    count += e - s;
    runCount++;
  }
  cur.n = n;
  leaves.push(cur);
  lastEnds.push(curEnd);
  return { leaves, lastEnds, count, runCount };
}
