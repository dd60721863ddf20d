import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GranuleRuns, type GranuleRun } from './granule-runs.ts';

/** Runs of a set of granules, the obvious way. */
function runsOf(set: ReadonlySet<number>): GranuleRun[] {
  const sorted = [...set].sort((a, b) => a - b);
  const runs: { start: number; end: number }[] = [];
  for (const g of sorted) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.end === g) last.end = g + 1;
    else runs.push({ start: g, end: g + 1 });
  }
  return runs;
}

function fromRuns(runs: readonly (readonly [number, number])[], cap = 4): GranuleRuns {
  const r = new GranuleRuns(cap);
  for (const [s, e] of runs) r.add(s, e);
  return r;
}

describe('GranuleRuns named write patterns (after test-hbitmap.c)', () => {
  // Existing runs [10,20) and [30,40); each pattern writes relative to them.
  const base: [number, number][] = [[10, 20], [30, 40]];
  const cases: [string, [number, number], GranuleRun[], number][] = [
    ['partial-left: overlaps the head of a run', [5, 12], [{ start: 5, end: 20 }, { start: 30, end: 40 }], 5],
    ['partial-right: overlaps the tail of a run', [18, 25], [{ start: 10, end: 25 }, { start: 30, end: 40 }], 5],
    ['adjacent-left: ends exactly where a run starts', [5, 10], [{ start: 5, end: 20 }, { start: 30, end: 40 }], 5],
    ['adjacent-right: starts exactly where a run ends', [20, 22], [{ start: 10, end: 22 }, { start: 30, end: 40 }], 2],
    ['inside: already set, nothing changes', [12, 15], [{ start: 10, end: 20 }, { start: 30, end: 40 }], 0],
    ['bridge: fills the gap and joins both runs', [20, 30], [{ start: 10, end: 40 }], 10],
    ['covering: swallows both runs', [0, 50], [{ start: 0, end: 50 }], 30],
    ['detached: a new run between the two', [24, 26], [{ start: 10, end: 20 }, { start: 24, end: 26 }, { start: 30, end: 40 }], 2],
  ];
  for (const [name, [s, e], want, added] of cases) {
    it(name, () => {
      const r = fromRuns(base);
      expect(r.add(s, e)).toBe(added);
      expect([...r.runs()]).toEqual(want);
      expect(r.count).toBe(want.reduce((n, x) => n + x.end - x.start, 0));
    });
  }

  it('remove splits a run and trims its neighbours', () => {
    const r = fromRuns(base);
    expect(r.remove(12, 14)).toBe(2);
    expect(r.remove(18, 32)).toBe(4);
    expect([...r.runs()]).toEqual([{ start: 10, end: 12 }, { start: 14, end: 18 }, { start: 32, end: 40 }]);
  });

  it('a write across many leaves collapses them (leaf capacity 4)', () => {
    const r = fromRuns(Array.from({ length: 40 }, (_, i) => [i * 3, i * 3 + 1] as const));
    expect(r.runCount).toBe(40);
    r.add(4, 100);
    expect([...r.runs()]).toEqual([{ start: 0, end: 1 }, { start: 3, end: 100 }, { start: 102, end: 103 }, ...Array.from({ length: 5 }, (_, i) => ({ start: 105 + 3 * i, end: 106 + 3 * i }))]);
    expect(r.runCount).toBe(8);
  });

  it('indices beyond 2^32 stay exact', () => {
    const r = fromRuns([[2 ** 44 - 3, 2 ** 44 + 5], [2 ** 52, 2 ** 52 + 1]]);
    expect(r.count).toBe(9);
    expect(r.runAtOrAfter(2 ** 44 + 5)).toEqual({ start: 2 ** 52, end: 2 ** 52 + 1 });
  });
});

type Op = { kind: 'add' | 'remove'; s: number; len: number } | { kind: 'addAll'; runs: [number, number][] } | { kind: 'clear' };

const SPAN = 300;
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('add' as const), s: fc.nat(SPAN), len: fc.nat(12) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove' as const), s: fc.nat(SPAN), len: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('addAll' as const), runs: fc.array(fc.tuple(fc.nat(SPAN), fc.nat(8)), { maxLength: 40 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('GranuleRuns against a Set of granules', () => {
  it('agrees after every operation, across leaf splits and merges', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), fc.constantFrom(4, 5, 8, 256), (ops, cap) => {
        const runs = new GranuleRuns(cap);
        const model = new Set<number>();
        for (const o of ops) {
          if (o.kind === 'clear') {
            runs.clear();
            model.clear();
          } else if (o.kind === 'addAll') {
            const sorted = o.runs.map(([s, l]) => ({ start: s, end: s + l })).sort((a, b) => a.start - b.start);
            // Odd lengths come as a plain RunSource, even ones as another GranuleRuns (the fast path).
            runs.addAll(sorted.length % 2 === 1
              ? { runCount: sorted.length, forEachRun: (v) => sorted.forEach((r) => v(r.start, r.end)) }
              : fromRuns(sorted.map((r) => [r.start, r.end] as const), cap));
            for (const r of sorted) for (let g = r.start; g < r.end; g++) model.add(g);
          } else {
            let changed = 0;
            for (let g = o.s; g < o.s + o.len; g++) {
              if (model.has(g) === (o.kind === 'remove')) changed++;
              if (o.kind === 'add') model.add(g);
              else model.delete(g);
            }
            expect(o.kind === 'add' ? runs.add(o.s, o.s + o.len) : runs.remove(o.s, o.s + o.len)).toBe(changed);
          }
          const want = runsOf(model);
          expect([...runs.runs()]).toEqual(want);
          expect(runs.count).toBe(model.size);
          expect(runs.runCount).toBe(want.length);
        }
        const want = runsOf(model);
        for (let g = 0; g < SPAN + 40; g += 7) {
          expect(runs.runAtOrAfter(g)).toEqual(want.find((r) => r.end > g));
          expect([...runs.runs(g)]).toEqual(want.filter((r) => r.end > g));
        }
        expect([...runs.clone().runs()]).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});
