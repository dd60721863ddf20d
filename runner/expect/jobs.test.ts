import { describe, expect, it } from 'vitest';
import type { JobExpectation } from '../scenario/types.ts';
import type { SourceSpan } from '../source.ts';
import { checkJob } from './jobs.ts';

const span = (start: number): SourceSpan => ({ file: 'f.yaml', start, end: start + 1, line: 1, col: 1, sourceLine: '' });
const exp = (expected: JobExpectation['expected']): JobExpectation => ({ id: 's0', keySpan: span(0), span: span(5), expected });

describe('checkJob', () => {
  const jobs = [{ id: 's0', type: 'stream', status: 'running', 'current-progress': 65536, 'total-progress': 1048576 }];

  it('compares the written fields as query-jobs reports them', () => {
    const r = checkJob(exp({ status: { value: 'concluded', span: span(9) }, 'current-progress': { value: 65536, span: span(20) } }), jobs);
    expect(r.failures[0]?.message).toBe('job s0: status differs');
    expect(r.failures[0]?.actual).toBe('job s0:\n  status: running\n  current-progress: 64K');
    expect(r.observed).toEqual([
      { span: span(9), text: 'running', holds: false },
      { span: span(20), text: '64K', holds: true },
    ]);
  });

  it('treats null as "the job is gone"', () => {
    expect(checkJob(exp(null), []).failures).toEqual([]);
    expect(checkJob(exp(null), jobs).failures[0]?.message).toBe('job s0 exists but should not');
    expect(checkJob(exp({ status: { value: 'running', span: span(9) } }), []).failures[0]?.message).toBe('job s0 does not exist');
  });
});
