/**
 * HBitmap against a naive model: a Set of dirty granule indices plus the byte rules of
 * reference 1.2-1.7 spelled out directly. Geometries include huge disks (2^46 and near 2^53
 * bytes), where operations cluster near the start, the middle and the partial tail granule.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HBitmap } from './hbitmap.ts';

class Model {
  dirty = new Set<number>();
  constructor(public size: number, readonly gran: number) {}
  get nbits(): number { return Math.ceil(this.size / this.gran); }
  /** Granules [first, last] touched by bytes [off, end), end clipped to size. */
  span(off: number, len: number): [number, number] | undefined {
    const end = Math.min(off + len, this.size);
    return off < end ? [Math.floor(off / this.gran), Math.floor((end - 1) / this.gran)] : undefined;
  }
  set(off: number, len: number): void {
    const s = this.span(off, len);
    if (s) for (let g = s[0]; g <= s[1]; g++) this.dirty.add(g);
  }
  reset(off: number, len: number): void {
    const s = this.span(off, len);
    if (s) for (let g = s[0]; g <= s[1]; g++) this.dirty.delete(g);
  }
  isDirty(byte: number): boolean { return byte < this.size && this.dirty.has(Math.floor(byte / this.gran)); }
  sorted(): number[] { return [...this.dirty].sort((a, b) => a - b); }
  nextDirty(start: number, count: number, sorted = this.sorted()): number {
    const end = count === 0 ? start : Math.min(start + count, this.size);
    const g = sorted.find((x) => (x + 1) * this.gran > start);
    if (start >= end || g === undefined) return -1;
    const off = Math.max(start, g * this.gran);
    return off < end ? off : -1;
  }
  nextZero(start: number, count: number): number {
    const end = count === 0 ? start : Math.min(start + count, this.size);
    if (start >= end) return -1;
    let g = Math.floor(start / this.gran);
    while (this.dirty.has(g)) g++;
    const off = Math.max(start, g * this.gran);
    return off < end ? off : -1;
  }
  extents(): { offset: number; length: number }[] {
    const out: { offset: number; length: number }[] = [];
    for (const g of this.sorted()) {
      const last = out[out.length - 1];
      const offset = g * this.gran;
      const length = Math.min(this.gran, this.size - offset);
      if (last && last.offset + last.length === offset) last.length += length;
      else out.push({ offset, length });
    }
    return out;
  }
  sha256(): string {
    const bytes = new Uint8Array(8 * Math.max(Math.ceil(this.nbits / 64), 1));
    for (const g of this.dirty) bytes[g >> 3]! |= 1 << (g & 7);
    return createHash('sha256').update(bytes).digest('hex');
  }
}

interface Geometry { readonly size: number; readonly gran: number; readonly anchors: readonly number[] }

const TiB = 2 ** 40;
const geometry: fc.Arbitrary<Geometry> = fc.oneof(
  fc.record({ gran: fc.constantFrom(1, 2, 8, 512, 4096, 65536), mult: fc.nat(300), extra: fc.nat(65535) }).map(({ gran, mult, extra }) => {
    const size = mult * gran + (extra % gran);
    return { size, gran, anchors: [0, Math.floor(size / 2), size] };
  }),
  // 64 TiB at 512 B (2^37 granules) and a region near 2^53 bytes, with a partial tail granule.
  fc.constantFrom(
    { size: 64 * TiB, gran: 512, anchors: [0, 2 ** 45, 64 * TiB] },
    { size: 2 ** 53 - 1000, gran: 65536, anchors: [0, 2 ** 52, 2 ** 53 - 1000] },
    { size: 2 ** 46 + 700, gran: 4096, anchors: [0, 2 ** 32 * 4096, 2 ** 46 + 700] },
  ),
);

type Op =
  | { kind: 'set'; a: number; delta: number; len: number }
  | { kind: 'reset'; a: number; delta: number; len: number }
  | { kind: 'clear' }
  | { kind: 'truncate'; a: number; delta: number }
  | { kind: 'merge'; shift: number; writes: { a: number; delta: number; len: number }[] };

/** A byte offset near an anchor, measured in granules plus a sub-granule remainder. */
const near = { a: fc.nat(2), delta: fc.integer({ min: -200 * 65536, max: 200 * 65536 }) };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), ...near, len: fc.nat(40 * 65536) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reset' as const), ...near, len: fc.nat(60 * 65536) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), ...near }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('merge' as const), shift: fc.integer({ min: -4, max: 4 }), writes: fc.array(fc.record({ ...near, len: fc.nat(40 * 65536) }), { maxLength: 5 }) }) },
);

/** Places an offset for this geometry: deltas are scaled so runs stay within ~200 granules. */
function place(g: Geometry, a: number, delta: number, limit: number): number {
  const anchor = g.anchors[a % g.anchors.length]!;
  return Math.max(0, Math.min(limit, anchor + Math.trunc((delta / 65536) * g.gran)));
}

function scaled(g: Geometry, len: number): number {
  return Math.trunc((len / 65536) * g.gran);
}

function check(b: HBitmap, m: Model, probes: number[]): void {
  expect(b.size).toBe(m.size);
  expect(b.count).toBe(m.dirty.size * m.gran);
  expect([...b.extents()]).toEqual(m.extents());
  const sorted = m.sorted();
  for (const p of probes) {
    expect(b.get(p)).toBe(m.isDirty(p));
    for (const count of [Infinity, 0, 1, m.gran, 3 * m.gran + 1]) {
      expect(b.nextDirty(p, count)).toBe(m.nextDirty(p, count, sorted));
      expect(b.nextZero(p, count)).toBe(m.nextZero(p, count));
    }
    const area = b.nextDirtyArea(p, p + 50 * m.gran, 7 * m.gran);
    const start = m.nextDirty(p, Math.min(p + 50 * m.gran, m.size) - p, sorted);
    if (start === -1 || p >= m.size) expect(area).toBeUndefined();
    else {
      const stop = Math.min(p + 50 * m.gran, m.size, start + 7 * m.gran);
      const zero = m.nextZero(start, stop - start);
      expect(area).toEqual({ offset: start, length: (zero === -1 ? stop : zero) - start });
    }
  }
  if (m.nbits <= 4096) expect(b.sha256()).toBe(m.sha256());
}

/** Probe offsets: every extent edge +-1 and +-1 granule, plus 0 and the size. */
function probes(m: Model): number[] {
  const ps = new Set<number>([0, m.size - 1, m.size]);
  for (const { offset, length } of m.extents()) {
    for (const e of [offset, offset + length]) for (const d of [-m.gran, -1, 0, 1, m.gran]) ps.add(e + d);
  }
  return [...ps].filter((p) => p >= 0);
}

describe('HBitmap against a naive granule-set model', () => {
  it('agrees on count, get, next*, extents and sha256 after every step', () => {
    fc.assert(
      fc.property(geometry, fc.array(op, { maxLength: 25 }), (g, ops) => {
        const b = HBitmap.create(g.size, g.gran);
        const m = new Model(g.size, g.gran);
        for (const o of ops) {
          if (o.kind === 'set') {
            const off = place(g, o.a, o.delta, m.size);
            b.set(off, scaled(g, o.len));
            m.set(off, scaled(g, o.len));
          } else if (o.kind === 'reset') {
            // reset must be granule aligned (QEMU asserts); the tail may end at size.
            const off = Math.floor(place(g, o.a, o.delta, m.size) / g.gran) * g.gran;
            const len = Math.ceil(scaled(g, o.len) / g.gran) * g.gran;
            const end = Math.min(off + len, m.size);
            b.reset(off, end - off);
            m.reset(off, end - off);
          } else if (o.kind === 'clear') {
            b.clear();
            m.dirty.clear();
          } else if (o.kind === 'truncate') {
            const size = place(g, o.a, o.delta, 2 ** 53 - 1);
            b.truncate(size);
            for (const x of [...m.dirty]) if (x >= Math.ceil(size / g.gran)) m.dirty.delete(x);
            m.size = size;
          } else {
            // A same-size source of another granularity; its dirty granules, clipped to size,
            // are set into ours (hbitmap_sparse_merge).
            const sg = Math.max(1, Math.min(2 ** 30, g.gran * 2 ** o.shift));
            const src = HBitmap.create(m.size, sg);
            const sm = new Model(m.size, sg);
            for (const w of o.writes) {
              const off = place(g, w.a, w.delta, m.size);
              src.set(off, scaled(g, w.len));
              sm.set(off, scaled(g, w.len));
            }
            if (sm.dirty.size > 5000) return; // a coarse source on a huge disk: too big for the model
            b.mergeFrom(src);
            for (const x of sm.dirty) m.set(x * sg, sg);
          }
          check(b, m, probes(m));
        }
        if (m.nbits <= 2 ** 24) expect(b.clone().sha256()).toBe(m.sha256());
      }),
      { numRuns: 150 },
    );
  });
});

describe('HBitmap.mergeFrom a busy source', () => {
  // Sources with about as many runs as the target take the one-pass merge rather than one
  // insert per run; the same granularity merges leaves directly, another one goes by runs.
  it('agrees with the model for every granularity ratio', () => {
    const write = fc.record({ at: fc.nat(4000), len: fc.nat(3 * 65536) });
    fc.assert(
      fc.property(fc.constantFrom(1, 512, 4096, 65536), fc.integer({ min: -4, max: 4 }), fc.array(write, { maxLength: 30 }), fc.array(write, { minLength: 1, maxLength: 60 }), (gran, shift, ours, theirs) => {
        const size = 4000 * gran + 77;
        const sg = Math.max(1, gran * 2 ** shift);
        const b = HBitmap.create(size, gran);
        const m = new Model(size, gran);
        const src = HBitmap.create(size, sg);
        const sm = new Model(size, sg);
        const scale = (x: number): number => Math.trunc((x / 65536) * gran);
        for (const w of ours) {
          b.set(w.at * gran, scale(w.len));
          m.set(w.at * gran, scale(w.len));
        }
        for (const w of theirs) {
          src.set(w.at * gran + 13, scale(w.len));
          sm.set(w.at * gran + 13, scale(w.len));
        }
        b.mergeFrom(src);
        for (const x of sm.dirty) m.set(x * sg, sg);
        check(b, m, probes(m));
      }),
      { numRuns: 150 },
    );
  });
});
