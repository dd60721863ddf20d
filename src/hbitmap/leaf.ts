/** The leaves GranuleRuns keeps its runs in, and how they are allocated. */

/** Up to a fixed capacity of runs; run i is [runs[2i], runs[2i+1]), the first n are valid. */
export interface Leaf {
  readonly runs: Float64Array;
  n: number;
}

export function newLeaf(capacity: number): Leaf {
  return { runs: new Float64Array(2 * capacity), n: 0 };
}

/**
 * A leaf factory carving `count` leaves out of one buffer, then allocating singly. Bulk
 * rebuilds (merge, clone) make thousands of leaves, and one large allocation is much cheaper
 * than thousands of small external ones; its untouched pages cost no memory.
 */
export function leafSlab(capacity: number, count: number): () => Leaf {
  const size = 2 * capacity;
  const slab = new Float64Array(count * size);
  let next = 0;
  return () => (next < count ? { runs: slab.subarray(size * next, size * ++next), n: 0 } : newLeaf(capacity));
}
