/**
 * A hand-made RunSummary with one of each outcome, for pinning reporter output. Its texts carry
 * the characters each format must escape (&, <, ", %, :, commas, newlines).
 */
import type { CaseResult, RunSummary } from '../../runner/result.ts';
import type { SourceSpan } from '../../runner/source.ts';

const FILE = 'test/fixtures/stream <&> "quoted".yaml';

function span(line: number, col: number, sourceLine: string, length: number): SourceSpan {
  return { file: FILE, start: 100, end: 100 + length, line, col, sourceLine };
}

const failed: CaseResult = {
  id: `${FILE}#stream records guest writes only[granularity=64K]@sim`,
  file: FILE,
  scenario: 'stream records guest writes only',
  axes: { granularity: '64K' },
  tags: ['stream'],
  backend: 'sim',
  status: 'failed',
  durationMs: 12,
  failures: [
    {
      code: 'bitmap-mismatch',
      message: 'bitmap top/b0: dirty, count differ',
      span: span(14, 17, '        top/b0: { dirty: [192K+64K], count: 64K }', 34),
      expected: 'top/b0:\n  dirty: [192K+64K]\n  count: 64K',
      actual: 'top/b0:\n  dirty: [0+128K, 192K+64K]\n  count: 192K',
      pictures: { expected: '...X............', actual: 'XX.X............', scale: '1 cell = 64K' },
    },
    {
      code: 'unexpected-error',
      message: 'block-stream failed: 100% broken, a:b',
      span: span(9, 5, '  - block-stream: { job-id: s0, device: top }', 12),
      expected: 'success',
      actual: 'GenericError: 100% broken, a:b',
    },
  ],
};

const passed: CaseResult = {
  ...failed, id: failed.id.replace('64K', '4K'), axes: { granularity: '4K' }, status: 'passed', failures: [],
  knownDivergences: [
    {
      reason: 'the model leaves copy-on-read writes clean, QEMU 7.2 dirties them (reference 2.4)',
      failure: {
        code: 'backend-disagreement',
        message: 'sim and qemu observed different values here',
        span: span(14, 42, '        top/b0: { dirty: [192K+64K], count: 64K }', 3),
        expected: 'sim: 64K',
        actual: 'qemu: 192K',
      },
    },
  ],
};

const errored: CaseResult = {
  id: 'test/fixtures/hang.yaml#hangs@sim',
  file: 'test/fixtures/hang.yaml',
  scenario: 'hangs',
  axes: {},
  tags: [],
  backend: 'sim',
  status: 'error',
  durationMs: 3,
  failures: [],
  error: { code: 'backend-error', message: 'sim backend: the simulator session is closed', span: { file: 'test/fixtures/hang.yaml', start: 40, end: 47, line: 6, col: 5, sourceLine: '  - restart' } },
};

const skipped: CaseResult = { ...errored, id: 'test/fixtures/hang.yaml#hangs@qemu', backend: 'qemu', status: 'skipped', skipReason: 'drive-level bitmaps are an extension QEMU lacks' };
delete (skipped as { error?: unknown }).error;

export const sampleSummary: RunSummary = {
  cases: [failed, passed, errored, skipped],
  passed: 1,
  failed: 1,
  errors: 1,
  skipped: 1,
  durationMs: 20,
  invalidFiles: [
    {
      file: 'test/fixtures/bad.yaml',
      diagnostics: [
        { code: 'bad-size', message: "'12Q' is not a size", span: { file: 'test/fixtures/bad.yaml', start: 60, end: 63, line: 4, col: 26, sourceLine: '  base: { driver: qcow2, size: 12Q }' } },
      ],
    },
  ],
};
