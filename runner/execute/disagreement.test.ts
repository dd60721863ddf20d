import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../result.ts';
import type { SourceSpan } from '../source.ts';
import { disagreements } from './disagreement.ts';
import type { CaseRun } from './run-case.ts';

const span = (start: number): SourceSpan => ({ file: 'f.yaml', start, end: start + 2, line: 3, col: 4, sourceLine: '' });

function run(backend: 'sim' | 'qemu', status: CaseResult['status'], values: [number, string | null][]): CaseRun {
  const result: CaseResult = { id: backend, file: 'f.yaml', scenario: 's', axes: {}, tags: [], backend, status, durationMs: 0, failures: [] };
  return { result, observed: values.map(([start, text]) => ({ span: span(start), text, holds: true })) };
}

describe('disagreements', () => {
  it('flags every span where the backends saw different values, even when both pass', () => {
    const f = disagreements([run('sim', 'passed', [[1, '64K'], [5, 'true'], [9, null]]), run('qemu', 'passed', [[1, '128K'], [5, 'true'], [9, '"x"']])]);
    expect(f.map((x) => [x.code, x.span.start, x.expected, x.actual])).toEqual([['backend-disagreement', 1, 'sim: 64K', 'qemu: 128K']]);
  });

  it('compares nothing with a backend that skipped or broke down', () => {
    expect(disagreements([run('sim', 'passed', [[1, '64K']]), run('qemu', 'skipped', [[1, '0']])])).toEqual([]);
  });
});
