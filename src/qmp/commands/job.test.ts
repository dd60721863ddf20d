import { describe, expect, it } from 'vitest';
import { advanceJob } from '../../jobs/advance.ts';
import { chain, qmp } from '../../jobs/test-chain.ts';

describe('job commands: unknown jobs (probed on 7.2.22)', () => {
  const m = chain();
  it.each(['job-pause', 'job-resume', 'job-cancel', 'job-complete', 'job-finalize', 'job-dismiss'])('%s: Job not found', (command) => {
    expect(qmp(m, command, { id: 'nope' })).toEqual({ error: { class: 'GenericError', desc: 'Job not found' } });
  });
  it.each([
    ['block-job-pause', { device: 'nope' }],
    ['block-job-resume', { device: 'nope' }],
    ['block-job-cancel', { device: 'nope' }],
    ['block-job-complete', { device: 'nope' }],
    ['block-job-finalize', { id: 'nope' }],
    ['block-job-dismiss', { id: 'nope' }],
    ['block-job-set-speed', { device: 'nope', speed: 1 }],
  ])('%s: DeviceNotActive', (command, args) => {
    expect(qmp(m, command, args)).toEqual({ error: { class: 'DeviceNotActive', desc: "Block job 'nope' not found" } });
  });
  it('checks arguments with QAPI texts', () => {
    expect(qmp(m, 'block-job-cancel', { device: 'x', force: 1 })).toEqual({ error: { class: 'GenericError', desc: "Invalid parameter type for 'force', expected: boolean" } });
    expect(qmp(m, 'block-stream', { 'job-id': 's' })).toEqual({ error: { class: 'GenericError', desc: "Parameter 'device' is missing" } });
    expect(qmp(m, 'block-commit', { device: 'top', 'on-error': 'x' })).toEqual({ error: { class: 'GenericError', desc: "Parameter 'on-error' does not accept value 'x'" } });
    expect(qmp(m, 'query-jobs', { x: 1 })).toEqual({ error: { class: 'GenericError', desc: "Parameter 'x' is unexpected" } });
  });
});

describe('query-jobs and query-block-jobs', () => {
  it('list jobs newest first with QEMU 7.2 shapes', () => {
    const m = chain();
    qmp(m, 'blockdev-add', { driver: 'null-co', 'node-name': 'n' });
    qmp(m, 'block-stream', { 'job-id': 'a', device: 'top', speed: 1024 });
    qmp(m, 'block-stream', { 'job-id': 'b', device: 'n' });
    const jobs = qmp(m, 'query-jobs');
    expect(jobs).toEqual({
      return: [
        { id: 'b', type: 'stream', status: 'running', 'current-progress': 0, 'total-progress': 0 },
        { id: 'a', type: 'stream', status: 'running', 'current-progress': 0, 'total-progress': 0 },
      ],
    });
    expect(qmp(m, 'query-block-jobs')).toMatchObject({ return: [{ device: 'b', speed: 0 }, { device: 'a', speed: 1024 }] });
    expect(qmp(m, 'block-job-set-speed', { device: 'a', speed: -1 })).toEqual({ error: { class: 'GenericError', desc: "Parameter 'speed' expects a non-negative value" } });
    expect(qmp(m, 'block-job-set-speed', { device: 'a', speed: 4096 })).toEqual({ return: {} });
    expect(qmp(m, 'query-block-jobs')).toMatchObject({ return: [{ device: 'b' }, { device: 'a', speed: 4096 }] });
    expect(advanceJob(m, 'b', { until: 'null' })).toEqual({ ok: true, chunks: 1, status: 'null' });
    expect(advanceJob(m, 'a', { until: 'null' })).toEqual({ ok: true, chunks: 8, status: 'null' });
    expect(advanceJob(m, 'a', 'settle')).toEqual({ ok: false, desc: "Job 'a' not found" });
  });
});
