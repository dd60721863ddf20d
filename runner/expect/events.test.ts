import { describe, expect, it } from 'vitest';
import type { SourceSpan } from '../source.ts';
import { checkEvents } from './events.ts';

const span: SourceSpan = { file: 'f.yaml', start: 10, end: 20, line: 3, col: 5, sourceLine: '' };
const exp = (items: string[]) => ({ id: 's0', keySpan: span, expected: { value: items, span } });
const change = (id: string, status: string) => ({ event: 'JOB_STATUS_CHANGE', data: { id, status } });
const events = [
  change('s0', 'created'), change('c0', 'created'), change('s0', 'running'),
  { event: 'BLOCK_JOB_COMPLETED', data: { device: 's0', type: 'stream', len: 1048576, offset: 1048576, speed: 0 } },
  change('s0', 'concluded'),
];

describe('checkEvents', () => {
  it("compares one job's events, block-job events by the fields written", () => {
    const r = checkEvents(exp(['created', 'running', 'BLOCK_JOB_COMPLETED len=1M', 'concluded']), events);
    expect(r.failures).toEqual([]);
    expect(r.observed).toEqual([{ span, text: '[created, running, BLOCK_JOB_COMPLETED len=1M, concluded]', holds: true }]);
  });

  it('shows both sequences when they differ, and the actual one for --update', () => {
    const r = checkEvents(exp(['created', 'running', 'BLOCK_JOB_CANCELLED', 'concluded', 'null']), events);
    expect(r.failures[0]?.code).toBe('event-mismatch');
    expect(r.failures[0]?.expected).toBe('events s0:\n  created\n  running\n  BLOCK_JOB_CANCELLED\n  concluded\n  null');
    expect(r.failures[0]?.actual).toBe('events s0:\n  created\n  running\n  BLOCK_JOB_COMPLETED\n  concluded');
    expect(r.observed[0]?.text).toBe('[created, running, BLOCK_JOB_COMPLETED, concluded]');
  });

  it('takes the fields from the expected item of the same name, so a missing status does not shift them', () => {
    const r = checkEvents(exp(['created', 'BLOCK_JOB_COMPLETED len=2M', 'concluded']), events);
    expect(r.observed[0]?.text).toBe('[created, running, BLOCK_JOB_COMPLETED len=1M, concluded]');
    expect(r.failures[0]?.actual).toBe('events s0:\n  created\n  running\n  BLOCK_JOB_COMPLETED len=1M\n  concluded');
  });

  it('expects no events with an empty list', () => {
    expect(checkEvents({ ...exp([]), id: 'x' }, events).failures).toEqual([]);
  });
});
