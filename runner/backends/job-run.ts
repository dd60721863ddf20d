/**
 * What both backends share for `run` steps: every job's last status, read from the
 * JOB_STATUS_CHANGE events a session sees, and the verdict on a run. A run `until` a status holds
 * once the job has been in it at any moment of the run, because a status passed inside one step
 * of the job (concluded under auto-dismiss, pending under auto-finalize) is over before anyone can
 * look (job.c:job_completed runs waiting, pending, concluded and null in one go).
 */
import type { QmpEvent } from '../../src/qmp/reply.ts';
import type { JobLimit, RunReply } from './backend.ts';

/**
 * Statuses in which a job waits for a user command (or is gone): nothing more happens on its own.
 * `paused` counts because the only pause a scenario can hold is its own job-pause or on-error=stop.
 */
const SETTLED: readonly string[] = ['paused', 'ready', 'standby', 'pending', 'concluded', 'null'];

export class JobStatusLog {
  readonly #last = new Map<string, string>();

  /** Takes note of the statuses in `events`; returns the statuses job `id` moved through, in order. */
  see(events: readonly QmpEvent[], id?: string): string[] {
    const moved: string[] = [];
    for (const e of events) {
      const { id: job, status } = e.data;
      if (e.event !== 'JOB_STATUS_CHANGE' || typeof job !== 'string' || typeof status !== 'string') continue;
      this.#last.set(job, status);
      if (job === id) moved.push(status);
    }
    return moved;
  }

  /** The job's last status seen, 'null' once it is gone; undefined for a job never started. */
  status(id: string): string | undefined {
    return this.#last.get(id);
  }

  /** A new QEMU (restart, crash) starts without jobs. */
  forget(): void {
    this.#last.clear();
  }
}

export const jobNotFound = (id: string): RunReply => ({ ok: false, desc: `Job '${id}' not found` });

/**
 * The verdict on a run of job `id` (not by chunks) that has moved through `seen` (its status at
 * the start first) and is now in the last of them, or 'wait' while it is still moving.
 */
export function runVerdict(id: string, limit: Exclude<JobLimit, { chunks: number }>, seen: readonly string[]): RunReply | 'wait' {
  const now = seen.at(-1);
  if (now === undefined) return jobNotFound(id);
  if (limit !== 'settle' && seen.includes(limit.until)) return { ok: true, status: now };
  if (!SETTLED.includes(now)) return 'wait';
  if (limit === 'settle') return { ok: true, status: now };
  const where = now === 'null' ? 'is gone' : `stopped in status '${now}'`;
  return { ok: false, desc: `Job '${id}' ${where} without reaching status '${limit.until}'` };
}
