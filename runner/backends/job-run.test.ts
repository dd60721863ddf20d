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

describe('orders: a job told to complete, cancel or pause moves on by itself', () => {
  const OK = { return: {} };

  it('a ready job told to complete (or soft-cancelled) is not settled until it moves on', () => {
    for (const [command, args] of [['job-complete', { id: 'm0' }], ['block-job-complete', { device: 'm0' }], ['block-job-cancel', { device: 'm0' }]] as const) {
      const log = new JobStatusLog();
      log.see([change('m0', 'ready')]);
      log.heard(command, args, OK);
      expect(runVerdict('m0', 'settle', ['ready'], log.orders('m0'))).toBe('wait');
      expect(runVerdict('m0', { until: 'null' }, ['ready'], log.orders('m0'))).toBe('wait');
      expect(runVerdict('m0', 'settle', ['ready', 'waiting', 'pending', 'concluded', 'null'], log.orders('m0'))).toEqual({ ok: true, status: 'null' });
    }
  });

  it('a refused command orders nothing, and the order ends with the job', () => {
    const log = new JobStatusLog();
    log.heard('job-complete', { id: 'm0' }, { error: { class: 'GenericError', desc: "Job 'm0' in state 'running' cannot accept command verb 'complete'" } });
    expect([...log.orders('m0')]).toEqual([]);
    log.heard('job-complete', { id: 'm0' }, OK);
    log.see([change('m0', 'null')]);
    expect([...log.orders('m0')]).toEqual([]);
  });

  it('complete in standby waits for job-resume; a cancel there does not', () => {
    const log = new JobStatusLog();
    log.heard('job-complete', { id: 'm0' }, OK);
    expect(runVerdict('m0', 'settle', ['standby'], log.orders('m0'))).toEqual({ ok: true, status: 'standby' });
    log.heard('job-cancel', { id: 'm0' }, OK);
    expect(runVerdict('m0', 'settle', ['standby'], log.orders('m0'))).toBe('wait');
  });

  it('a pause is carried out on reaching standby, and withdrawn by a resume', () => {
    const log = new JobStatusLog();
    log.heard('job-pause', { id: 'm0' }, OK);
    expect(runVerdict('m0', { until: 'standby' }, ['ready'], log.orders('m0'))).toBe('wait');
    log.see([change('m0', 'standby')]);
    log.heard('job-resume', { id: 'm0' }, OK);
    expect(runVerdict('m0', 'settle', ['standby', 'ready'], log.orders('m0'))).toEqual({ ok: true, status: 'ready' });
    log.heard('block-job-pause', { device: 'm0' }, OK);
    log.heard('block-job-resume', { device: 'm0' }, OK);
    expect([...log.orders('m0')]).toEqual([]);
  });

  it('forget drops the orders with the statuses', () => {
    const log = new JobStatusLog();
    log.heard('job-cancel', { id: 'm0' }, OK);
    log.forget();
    expect([...log.orders('m0')]).toEqual([]);
  });
});
