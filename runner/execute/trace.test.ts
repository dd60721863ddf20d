import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BackendSession, BitmapObservation, Extent, NodeObservation } from '../backends/backend.ts';
import { simBackend } from '../backends/sim.ts';
import { loadScenarioText } from '../scenario/load.ts';
import type { Step } from '../scenario/types.ts';
import { runCase } from './run-case.ts';
import { stepTracer, subtractExtents } from './trace.ts';

const K = 1024;
const span = { file: 'c.yaml', start: 0, end: 1, line: 1, col: 1, sourceLine: '' };
const io: Step = { kind: 'io', target: 'vda', line: 'write 0 4K', span };
const expectStep: Step = { kind: 'expect', bitmaps: [], io: [], nodes: [], jobs: [], span };

function bitmap(extents: Extent[], name?: string): BitmapObservation {
  const count = extents.reduce((s, e) => s + e.length, 0);
  return { ...(name === undefined ? {} : { name }), granularity: 64 * K, count, recording: true, busy: false, persistent: false, inconsistent: false, extents, size: 1024 * K };
}

function session(observations: NodeObservation[][]): BackendSession & { observed: number } {
  const s = {
    observed: 0,
    observe: async () => observations[s.observed++] ?? [],
  };
  return s as unknown as BackendSession & { observed: number };
}

/** Byte-set semantics on small ranges, the definition subtractExtents must agree with. */
function bytes(extents: readonly Extent[]): Set<number> {
  const s = new Set<number>();
  for (const e of extents) for (let i = e.offset; i < e.offset + e.length; i++) s.add(i);
  return s;
}

describe('subtractExtents', () => {
  it('cuts the old runs out of the new ones', () => {
    expect(subtractExtents([{ offset: 0, length: 100 }], [{ offset: 10, length: 10 }, { offset: 50, length: 60 }])).toEqual([
      { offset: 0, length: 10 },
      { offset: 20, length: 30 },
    ]);
  });

  it('agrees with set difference on random runs', () => {
    const runs = fc.array(fc.record({ offset: fc.nat(200), length: fc.integer({ min: 1, max: 40 }) }), { maxLength: 8 });
    fc.assert(
      fc.property(runs, runs, (a, b) => {
        const got = subtractExtents(a, b);
        const want = [...bytes(a)].filter((x) => !bytes(b).has(x));
        expect([...bytes(got)].sort((x, y) => x - y)).toEqual(want.sort((x, y) => x - y));
        // Sorted, disjoint and not adjacent-mergeable into fewer runs than needed.
        got.forEach((e, i) => i > 0 && expect(e.offset).toBeGreaterThan((got[i - 1]?.offset ?? 0) + (got[i - 1]?.length ?? 0)));
      }),
    );
  });
});

describe('stepTracer', () => {
  it('records each bitmap after each step with what the step newly dirtied', async () => {
    const s = session([
      [{ nodeName: 'top', driver: 'qcow2', bitmaps: [bitmap([{ offset: 0, length: 64 * K }], 'b0')] }],
      [{ nodeName: 'top', driver: 'qcow2', bitmaps: [bitmap([{ offset: 0, length: 128 * K }], 'b0'), bitmap([{ offset: 64 * K, length: 64 * K }])] }],
    ]);
    const t = stepTracer();
    await t.after(io, s);
    await t.after(io, s);
    await t.after(expectStep, s);
    expect(s.observed).toBe(2);
    expect(t.snapshots.map((x) => x.nodes)).toEqual(Array(3).fill([{ nodeName: 'top', driver: 'qcow2' }]));
    const [first, second, third] = t.snapshots;
    expect(first?.bitmaps.map((b) => [b.key, b.fresh])).toEqual([['top/b0', [{ offset: 0, length: 64 * K }]]]);
    expect(second?.bitmaps.map((b) => [b.key, b.fresh])).toEqual([
      ['top/b0', [{ offset: 64 * K, length: 64 * K }]],
      ['top/(anonymous 1)', [{ offset: 64 * K, length: 64 * K }]],
    ]);
    // An expect step changes nothing: same bitmaps, nothing fresh, no observation spent.
    expect(third?.bitmaps.map((b) => [b.key, b.observation.count, b.fresh])).toEqual([
      ['top/b0', 128 * K, []],
      ['top/(anonymous 1)', 64 * K, []],
    ]);
  });

  it('has nothing fresh for a bitmap whose contents cannot be read', async () => {
    const unreadable = { ...bitmap([], 'b0'), extents: { unmodelled: 'protocol node' } };
    const t = stepTracer();
    await t.after(io, session([[{ nodeName: 'f', driver: 'file', bitmaps: [unreadable] }]]));
    expect(t.snapshots[0]?.bitmaps[0]?.fresh).toEqual([]);
  });
});

describe('runCase with a tracer', () => {
  it('snapshots the simulator after every step of a real scenario', async () => {
    const loaded = loadScenarioText('t.yaml', [
      'scenario: traced',
      'about: two writes',
      'graph: { disk: { driver: qcow2, size: 1M } }',
      'steps:',
      '  - block-dirty-bitmap-add: { node: disk, name: b0, granularity: 64K }',
      '  - io: disk write 0 4K',
      '  - io: disk write 0 128K',
      '  - expect: { bitmaps: { disk/b0: { count: 128K } } }',
    ].join('\n'));
    const c = loaded.cases[0];
    if (c === undefined) throw new Error(JSON.stringify(loaded.diagnostics));
    const t = stepTracer();
    const run = await runCase(c, simBackend(), 5000, t);
    expect(run.result.status).toBe('passed');
    expect(t.snapshots.map((s) => s.bitmaps.map((b) => `${b.key} ${b.observation.count} fresh ${JSON.stringify(b.fresh)}`))).toEqual([
      ['disk/b0 0 fresh []'],
      [`disk/b0 ${64 * K} fresh [{"offset":0,"length":${64 * K}}]`],
      [`disk/b0 ${128 * K} fresh [{"offset":${64 * K},"length":${64 * K}}]`],
      [`disk/b0 ${128 * K} fresh []`],
    ]);
  });
});
