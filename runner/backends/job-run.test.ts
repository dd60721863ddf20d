import { describe, expect, it } from 'vitest';
import { JobStatusLog, runVerdict } from './job-run.ts';

const change = (id: string, status: string) => ({ event: 'JOB_STATUS_CHANGE', data: { id, status } });

describe('JobStatusLog', () => {
  it("keeps each job's last status and returns what one job moved through", () => {
    const log = new JobStatusLog();
    const moved = log.see([change('s0', 'created'), change('c0', 'created'), { event: 'BLOCK_JOB_COMPLETED', data: { device: 's0' } }, change('s0', 'running')], 's0');
    expect(moved).toEqual(['created', 'running']);
    expect([log.status('s0'), log.status('c0'), log.status('x')]).toEqual(['running', 'created', undefined]);
    log.forget();
    expect(log.status('s0')).toBeUndefined();
  });
});

describe('runVerdict', () => {
  it('holds a target the job passed through, even if it moved on', () => {
    expect(runVerdict('s0', { until: 'concluded' }, ['running', 'waiting', 'pending', 'concluded', 'null'])).toEqual({ ok: true, status: 'null' });
  });

  it('waits while the job still moves on its own', () => {
    expect(runVerdict('s0', { until: 'pending' }, ['running'])).toBe('wait');
    expect(runVerdict('s0', 'settle', ['running', 'waiting'])).toBe('wait');
  });

  it('settles in any status that waits for a user command, or when gone', () => {
    for (const s of ['paused', 'ready', 'standby', 'pending', 'concluded', 'null']) expect(runVerdict('j', 'settle', ['running', s])).toEqual({ ok: true, status: s });
  });

  it('fails a target the settled job never reached, and a job never started', () => {
    expect(runVerdict('s0', { until: 'ready' }, ['running', 'null'])).toEqual({ ok: false, desc: "Job 's0' is gone without reaching status 'ready'" });
    expect(runVerdict('s0', { until: 'ready' }, ['pending'])).toEqual({ ok: false, desc: "Job 's0' stopped in status 'pending' without reaching status 'ready'" });
    expect(runVerdict('s0', 'settle', [])).toEqual({ ok: false, desc: "Job 's0' not found" });
  });
});
