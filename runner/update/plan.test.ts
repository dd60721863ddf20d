import { describe, expect, it } from 'vitest';
import type { SourceSpan } from '../source.ts';
import { planUpdate } from './plan.ts';

const span = (file: string, start: number): SourceSpan => ({ file, start, end: start + 3, line: 2, col: start, sourceLine: '' });
const saw = (caseId: string, file: string, start: number, text: string | null, holds = false) => ({ caseId, value: { span: span(file, start), text, holds } });

describe('planUpdate', () => {
  it('edits a span when every case that read it saw the same value', () => {
    const plan = planUpdate([saw('a[g=4K]', 'f.yaml', 10, '128K'), saw('a[g=64K]', 'f.yaml', 10, '128K'), saw('a', 'f.yaml', 20, 'true', true)]);
    expect(plan.refusals).toEqual([]);
    expect(plan.edits.get('f.yaml')).toEqual([{ start: 10, end: 13, text: '128K' }]);
  });

  it('refuses to collapse matrix cases that saw different values', () => {
    const plan = planUpdate([saw('a[g=4K]', 'f.yaml', 10, '4K', true), saw('a[g=64K]', 'f.yaml', 10, '64K')]);
    expect(plan.edits.size).toBe(0);
    expect(plan.refusals[0]?.reason).toContain('4K in a[g=4K]; 64K in a[g=64K]');
  });

  it('refuses values the backend could not read, and leaves holding spans alone', () => {
    const plan = planUpdate([saw('a', 'f.yaml', 10, null), saw('b', 'g.yaml', 1, '1', true)]);
    expect(plan.edits.size).toBe(0);
    expect(plan.refusals.map((r) => r.file)).toEqual(['f.yaml']);
  });
});
