import { describe, expect, it } from 'vitest';
import { size } from '../../src/size.ts';
import type { BitmapObservation, NodeObservation } from '../backends/backend.ts';
import type { BitmapExpectation } from '../scenario/types.ts';
import type { SourceSpan } from '../source.ts';
import { checkBitmap } from './bitmaps.ts';

const span = (start: number): SourceSpan => ({ file: 'f.yaml', start, end: start + 3, line: 1, col: start + 1, sourceLine: '' });
const at = <T>(value: T, start: number) => ({ value, span: span(start) });

function bitmap(over: Partial<BitmapObservation> = {}): BitmapObservation {
  return {
    name: 'b0', granularity: size('64K'), count: size('64K'), recording: true, busy: false, persistent: false,
    inconsistent: false, sha256: 'ab', size: size('1M'), extents: [{ offset: size('192K'), length: size('64K') }], ...over,
  };
}
const nodes = (...bitmaps: BitmapObservation[]): NodeObservation[] => [{ nodeName: 'top', driver: 'qcow2', bitmaps }];
const exp = (expected: BitmapExpectation['expected']): BitmapExpectation => ({ node: 'top', name: 'b0', keySpan: span(0), span: span(10), expected });

describe('checkBitmap', () => {
  it('passes when the written fields hold, in any spelling of the same extents', () => {
    const r = checkBitmap(exp({ dirty: at([{ offset: size('192K'), length: size('32K') }, { offset: size('224K'), length: size('32K') }], 20), count: at(size('64K'), 30) }), nodes(bitmap()));
    expect(r.failures).toEqual([]);
    expect(r.observed).toEqual([
      { span: span(20), text: '[192K+64K]', holds: true },
      { span: span(30), text: '64K', holds: true },
    ]);
  });

  it('renders only the written fields, so the diff shows what differs, with pictures at one scale', () => {
    const actual = bitmap({ count: size('192K'), extents: [{ offset: 0, length: size('128K') }, { offset: size('192K'), length: size('64K') }] });
    const r = checkBitmap(exp({ dirty: at([{ offset: size('192K'), length: size('64K') }], 20), recording: at(true, 40) }), nodes(actual));
    expect(r.failures).toHaveLength(1);
    const f = r.failures[0];
    expect(f?.code).toBe('bitmap-mismatch');
    expect(f?.message).toBe('bitmap top/b0: dirty differs');
    expect(f?.span).toEqual(span(20));
    expect(f?.expected).toBe('top/b0:\n  dirty: [192K+64K]\n  recording: true');
    expect(f?.actual).toBe('top/b0:\n  dirty: [0+128K, 192K+64K]\n  recording: true');
    expect(f?.pictures).toEqual({ expected: '...X............', actual: 'XX.X............', scale: '1 cell = 64K' });
    expect(r.observed.find((o) => !o.holds)?.text).toBe('[0+128K, 192K+64K]');
  });

  it('compares map pictures at the default scale', () => {
    const r = checkBitmap(exp({ map: at('..X.............', 20) }), nodes(bitmap()));
    expect(r.failures[0]?.actual).toBe('top/b0:\n  map: "...X............"');
    expect(r.observed[0]?.text).toBe('"...X............"');
  });

  it('reports absence and unwanted presence', () => {
    expect(checkBitmap(exp(null), nodes()).failures).toEqual([]);
    expect(checkBitmap(exp(null), nodes(bitmap())).failures[0]?.message).toBe('bitmap top/b0 exists but should not');
    const missing = checkBitmap(exp({ count: at(0, 20) }), nodes());
    expect(missing.failures[0]?.message).toBe('bitmap top/b0 does not exist');
    expect(missing.observed).toEqual([{ span: span(10), text: 'null', holds: false }]);
  });

  it('says why contents are unreadable instead of inventing them', () => {
    const r = checkBitmap(exp({ dirty: at([], 20) }), nodes(bitmap({ busy: true, extents: { unmodelled: 'protocol node' } })));
    expect(r.failures[0]?.actual).toContain('unreadable (protocol node)');
    expect(r.failures[0]?.pictures).toBeUndefined();
  });
});
