import { describe, expect, it } from 'vitest';
import { eventAsItem, parseEventItem, renderItem } from './event-item.ts';

describe('event items', () => {
  it('parses statuses and block-job events with canonical sizes', () => {
    expect(parseEventItem('running')).toEqual({ ok: true, item: { name: 'running', fields: [] } });
    const r = parseEventItem('BLOCK_JOB_COMPLETED len=1048576 offset=1M error="Input/output error"');
    expect(r.ok && renderItem(r.item)).toBe('BLOCK_JOB_COMPLETED len=1M offset=1M error="Input/output error"');
  });

  it('names what is wrong', () => {
    expect(parseEventItem('runing')).toMatchObject({ ok: false, reason: expect.stringContaining("'runing' is neither a job status") });
    expect(parseEventItem('BLOCK_JOB_ERROR len=1M')).toEqual({ ok: false, reason: "BLOCK_JOB_ERROR has no field 'len' (it has operation, action)" });
    expect(parseEventItem('BLOCK_JOB_READY len=lots')).toMatchObject({ ok: false, reason: expect.stringContaining("len: 'lots' is not a size") });
  });

  it('renders an actual event with the fields the expectation names', () => {
    const data = { device: 's0', type: 'stream', len: 2097152, offset: 2097152, speed: 0 };
    expect(renderItem(eventAsItem('BLOCK_JOB_COMPLETED', data, ['len', 'offset', 'error']))).toBe('BLOCK_JOB_COMPLETED len=2M offset=2M error=absent');
    expect(renderItem(eventAsItem('JOB_STATUS_CHANGE', { id: 's0', status: 'pending' }, ['len']))).toBe('pending');
  });
});
