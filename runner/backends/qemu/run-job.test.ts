import { describe, expect, it } from 'vitest';
import { Unsupported } from '../../execute/unsupported.ts';
import { JobStatusLog } from '../job-run.ts';
import { runQemuJob, type EventSource } from './run-job.ts';

/** Events arrive in bursts: each wait for an event (or a round trip) delivers the next burst. */
function source(bursts: string[][]): EventSource & { syncs: number } {
  const log = new JobStatusLog();
  const deliver = (id: string) => log.see((bursts.shift() ?? []).map((status) => ({ event: 'JOB_STATUS_CHANGE', data: { id, status } })), id);
  const s = {
    log,
    syncs: 0,
    collect: (id: string) => deliver(id),
    next: async (id: string) => (bursts.length === 0 ? { lost: 'event not seen within 50 ms' } : deliver(id)),
    sync: async (id: string) => {
      s.syncs++;
      return deliver(id);
    },
  };
  return s;
}

describe('runQemuJob', () => {
  it('does not stop at a pending that auto-finalize moves past in the same turn', async () => {
    const s = source([['created', 'running'], ['waiting', 'pending'], ['concluded', 'null']]);
    expect(await runQemuJob(s, 's0', 'settle')).toEqual({ ok: true, status: 'null' });
    expect(await runQemuJob(source([['created', 'running'], ['waiting', 'pending'], ['concluded', 'null']]), 's0', { until: 'concluded' })).toEqual({ ok: true, status: 'null' });
  });

  it('stops in pending once a round trip shows nothing followed', async () => {
    const s = source([['created', 'running'], ['waiting', 'pending'], []]);
    expect(await runQemuJob(s, 's0', { until: 'pending' })).toEqual({ ok: true, status: 'pending' });
    expect(s.syncs).toBe(1);
  });

  it('fails a target never reached, a job that goes quiet, and refuses chunks', async () => {
    expect(await runQemuJob(source([['created', 'running'], ['waiting', 'pending'], []]), 's0', { until: 'ready' }))
      .toEqual({ ok: false, desc: "Job 's0' stopped in status 'pending' without reaching status 'ready'" });
    expect(await runQemuJob(source([['created', 'running']]), 's0', 'settle')).toEqual({ ok: false, desc: "Job 's0' is still running: event not seen within 50 ms" });
    expect(await runQemuJob(source([[]]), 'x', 'settle')).toEqual({ ok: false, desc: "Job 'x' not found" });
    await expect(runQemuJob(source([]), 's0', { chunks: 1 })).rejects.toBeInstanceOf(Unsupported);
  });

  it('waits past a ready the job was told to leave: the pivot comes after the reply', async () => {
    // The mirror is ready; job-complete was answered; the round trip after it shows nothing yet.
    const s = source([['created', 'running', 'ready'], [], ['waiting', 'pending', 'concluded', 'null']]);
    s.collect('m0');
    s.log.heard('job-complete', { id: 'm0' }, { return: {} });
    expect(await runQemuJob(s, 'm0', { until: 'null' })).toEqual({ ok: true, status: 'null' });
    // Without the order, ready is where a mirror waits, and the run ends there at once.
    const idle = source([['created', 'running', 'ready'], []]);
    idle.collect('m0');
    expect(await runQemuJob(idle, 'm0', 'settle')).toEqual({ ok: true, status: 'ready' });
  });
});
