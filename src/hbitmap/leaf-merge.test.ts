/**
 * mergeLeaves and GranuleRuns.addAll against a list-of-runs model. Gaps and lengths reach the
 * merge window's edge (2^31 granules) and far past it, starts go up to 2^52, and small leaf
 * capacities put seams everywhere, so both the integer window and the float path run, and
 * leaves fill up mid-merge.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GranuleRuns, type RunSource } from './granule-runs.ts';
import { newLeaf, type Leaf } from './leaf.ts';
import { mergeLeaves } from './leaf-merge.ts';

type Run = readonly [number, number];

/** Overlapping or touching runs coalesced: the OR of a list of runs. */
function union(runs: readonly Run[]): Run[] {
  const out: [number, number][] = [];
  for (const [s, e] of [...runs].sort((a, b) => a[0] - b[0])) {
    if (s >= e) continue;
    const last = out[out.length - 1];
    if (last !== undefined && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function subtract(runs: readonly Run[], s: number, e: number): Run[] {
  if (s >= e) return [...runs];
  return runs.flatMap(([a, b]): Run[] => [[a, Math.min(b, s)] as const, [Math.max(a, e), b] as const].filter(([x, y]) => x < y));
}

/** Gaps and lengths: mostly a few granules, sometimes around 2^31, sometimes 2^40. */
const span = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 6 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2 ** 31 - 3, max: 2 ** 31 + 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2 ** 40, max: 2 ** 40 + 5 }) },
);

/** Sorted, disjoint, non-adjacent runs as GranuleRuns keeps them, from near 0 or near 2^52. */
const runList: fc.Arbitrary<Run[]> = fc
  .record({ first: fc.oneof(fc.nat(12), fc.constant(2 ** 52)), steps: fc.array(fc.tuple(span, span), { maxLength: 60 }) })
  .map(({ first, steps }) => {
    let at = first;
    return steps.map(([gap, len]) => {
      const run = [at + gap - 1, at + gap - 1 + len] as const;
      at = run[1] + 1;
      return run;
    });
  });

/** Runs cut into leaves of the given sizes (cycled, clipped to cap), as random inserts leave them. */
function toLeaves(runs: readonly Run[], cap: number, sizes: readonly number[]): Leaf[] {
  const leaves: Leaf[] = [];
  for (let i = 0, k = 0; i < runs.length; k++) {
    const leaf = newLeaf(cap);
    leaf.n = Math.min(cap, sizes[k % sizes.length]!, runs.length - i);
    for (let r = 0; r < leaf.n; r++, i++) leaf.runs.set(runs[i]!, 2 * r);
    leaves.push(leaf);
  }
  return leaves.length > 0 ? leaves : [newLeaf(cap)];
}

function leafRuns(leaves: readonly Leaf[]): Run[] {
  return leaves.flatMap(({ runs, n }) => Array.from({ length: n }, (_, r) => [runs[2 * r]!, runs[2 * r + 1]!] as const));
}

const total = (runs: readonly Run[]): number => runs.reduce((sum, [s, e]) => sum + e - s, 0);

describe('mergeLeaves', () => {
  it('is the union, in leaves within capacity whose last ends index them', () => {
    fc.assert(
      fc.property(runList, runList, fc.constantFrom(4, 5, 8, 16), fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 4 }), (a, b, cap, sizes) => {
        const merged = mergeLeaves(toLeaves(a, cap, sizes), a.length, toLeaves(b, cap, [...sizes].reverse()), cap);
        const want = union([...a, ...b]);
        expect(leafRuns(merged.leaves)).toEqual(want);
        expect(merged.count).toBe(total(want));
        expect(merged.runCount).toBe(want.length);
        expect(merged.lastEnds).toHaveLength(merged.leaves.length);
        merged.leaves.forEach((leaf, i) => {
          expect(leaf.n).toBeLessThan(cap);
          if (merged.leaves.length > 1) expect(leaf.n).toBeGreaterThan(0);
          expect(merged.lastEnds[i]).toBe(leaf.n > 0 ? leaf.runs[2 * leaf.n - 1] : -Infinity);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('merges the edge cases by name', () => {
    const cases: Record<string, [Run[], Run[]]> = {
      'equal starts (ours taken first)': [[[0, 2], [5, 6]], [[0, 3], [5, 9]]],
      'touching across sides': [[[0, 2], [6, 8]], [[2, 6]]],
      'one run of theirs swallowing many of ours': [[[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]], [[0, 100]]],
      'a run longer than the window': [[[0, 1], [2 ** 33, 2 ** 33 + 1]], [[2, 2 ** 32]]],
      'starts 2^31 apart': [[[0, 1], [2 ** 31 + 1, 2 ** 31 + 2]], [[2 ** 31, 2 ** 31 + 1]]],
      'near 2^53': [[[2 ** 53 - 10, 2 ** 53 - 5]], [[2 ** 53 - 6, 2 ** 53 - 1]]],
    };
    for (const [a, b] of Object.values(cases)) {
      const merged = mergeLeaves(toLeaves(a, 4, [1]), a.length, toLeaves(b, 4, [2]), 4);
      expect(leafRuns(merged.leaves)).toEqual(union([...a, ...b]));
    }
  });
});

type Op = { kind: 'add' | 'remove'; at: number; len: number } | { kind: 'merge'; runs: Run[]; plain: boolean };

describe('GranuleRuns.addAll by merge', () => {
  it('agrees with the model, and later inserts and removes still do', () => {
    /** Runs for a plain RunSource: may be empty, overlap or touch, starts ascending. */
    const loose = fc.array(fc.tuple(fc.nat(400), fc.nat(9)), { maxLength: 40 }).map((rs) => rs.map(([s, l]): Run => [s, s + l]).sort((x, y) => x[0] - y[0]));
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('add' as const, 'remove' as const), at: fc.nat(400), len: fc.nat(30) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('merge' as const), runs: runList, plain: fc.constant(false) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('merge' as const), runs: loose, plain: fc.constant(true) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.constantFrom(4, 5, 8), (ops, cap) => {
        const runs = new GranuleRuns(cap);
        let model: Run[] = [];
        for (const o of ops) {
          if (o.kind === 'merge') {
            const source: RunSource = o.plain
              ? { runCount: o.runs.length, forEachRun: (visit) => o.runs.forEach(([s, e]) => visit(s, e)) }
              : fromRuns(o.runs, cap);
            runs.addAll(source);
            model = union([...model, ...o.runs]);
          } else if (o.kind === 'add') {
            const next = union([...model, [o.at, o.at + o.len]]);
            expect(runs.add(o.at, o.at + o.len)).toBe(total(next) - total(model));
            model = next;
          } else {
            const next = subtract(model, o.at, o.at + o.len);
            expect(runs.remove(o.at, o.at + o.len)).toBe(total(model) - total(next));
            model = next;
          }
          expect([...runs.runs()].map((r) => [r.start, r.end])).toEqual(model);
          expect(runs.count).toBe(total(model));
          expect(runs.runCount).toBe(model.length);
        }
        for (const [s, e] of model) expect(runs.runAtOrAfter(s)).toEqual({ start: s, end: e });
      }),
      { numRuns: 300 },
    );
  });
});

function fromRuns(runs: readonly Run[], cap: number): GranuleRuns {
  const r = new GranuleRuns(cap);
  for (const [s, e] of runs) r.add(s, e);
  return r;
}
