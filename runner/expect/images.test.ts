import { describe, expect, it } from 'vitest';
import type { SourceSpan } from '../source.ts';
import { checkImage } from './images.ts';

const span: SourceSpan = { file: 'x.yaml', start: 0, end: 1, line: 1, col: 1, sourceLine: '' };
const b1 = { name: 'b1', granularity: 65536, flags: ['auto'] };

describe('images expectation', () => {
  it('holds on the same directory in the same order, and diffs entry by entry otherwise', () => {
    const exp = { file: 'd.qcow2', keySpan: span, span, expected: [b1] };
    expect(checkImage(exp, [b1]).failures).toEqual([]);
    const [failure] = checkImage(exp, [{ ...b1, flags: ['in-use', 'auto'] }]).failures;
    expect(failure).toMatchObject({ code: 'image-mismatch', expected: 'd.qcow2:\n  - b1 granularity=64K flags=[auto]', actual: 'd.qcow2:\n  - b1 granularity=64K flags=[in-use,auto]' });
    expect(checkImage(exp, undefined).observed).toEqual([{ span, text: null, holds: false }]);
  });
});
