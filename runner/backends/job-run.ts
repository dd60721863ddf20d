/**
 * What both backends share for `run` steps: every job's last status, read from the
 * JOB_STATUS_CHANGE events a session sees, and the verdict on a run. A run `until` a status holds
 * once the job has been in it at any moment of the run, because a status passed inside one step
 * of the job (concluded under auto-dismiss, pending under auto-finalize) is over before anyone can
 * look (job.c:job_completed runs waiting, pending, concluded and null in one go).
 */
import { isError, type QmpEvent, type QmpReply } from '../../src/qmp/reply.ts';
import type { JobLimit, RunReply } from './backend.ts';

/**
 * Statuses in which a job waits for a user command (or is gone): nothing more happens on its own.
 * `paused` counts because the only pause a scenario can hold is its own job-pause or on-error=stop.
 */
const SETTLED: readonly string[] = ['paused', 'ready', 'standby', 'pending', 'concluded', 'null'];

/** A command that makes a job leave a waiting status by itself, some time after QEMU answered. */
export type JobOrder = 'complete' | 'cancel' | 'pause';

/** The job verbs that give (or, resume, withdraw) an order, and the argument naming the job. */
const ORDERS: Readonly<Record<string, { order: JobOrder | 'resume'; key: 'id' | 'device' }>> = {
  'job-complete': { order: 'complete', key: 'id' },
  'block-job-complete': { order: 'complete', key: 'device' },
  'job-cancel': { order: 'cancel', key: 'id' },
  'block-job-cancel': { order: 'cancel', key: 'device' },
  'job-pause': { order: 'pause', key: 'id' },
  'block-job-pause': { order: 'pause', key: 'device' },
  'job-resume': { order: 'resume', key: 'id' },
  'block-job-resume': { order: 'resume', key: 'device' },
};

/**
 * The waiting statuses an order makes a job leave on its own. A completed (or soft-cancelled)
 * mirror stays `ready` until its coroutine sees the request (mirror_run checks should_complete
 * between iterations), so the statuses that follow arrive after the reply; a paused one moves to
 * standby at its next pause point (job_pause_point). A cancel also undoes a user pause
 * (job.c:job_cancel_async_locked), so paused and standby jobs run on too. complete in standby
 * waits for job-resume (reference 4.1), and a cancel in pending or concluded is done before QEMU
 * answers, so those stay waiting points.
 */
const LEAVES: Readonly<Record<JobOrder, readonly string[]>> = {
  complete: ['ready'],
  cancel: ['ready', 'paused', 'standby'],
  pause: ['ready'],
};

export class JobStatusLog {
  readonly #last = new Map<string, string>();
  readonly #orders = new Map<string, Set<JobOrder>>();

  /** Takes note of the statuses in `events`; returns the statuses job `id` moved through, in order. */
  see(events: readonly QmpEvent[], id?: string): string[] {
    const moved: string[] = [];
    for (const e of events) {
      const { id: job, status } = e.data;
      if (e.event !== 'JOB_STATUS_CHANGE' || typeof job !== 'string' || typeof status !== 'string') continue;
      this.#last.set(job, status);
      // A pause is carried out on reaching standby (or paused); a job id can be used again once
      // the job is gone.
      if (status === 'standby' || status === 'paused') this.#orders.get(job)?.delete('pause');
      if (status === 'null') this.#orders.delete(job);
      if (job === id) moved.push(status);
    }
    return moved;
  }

  /** Takes note of a command QEMU accepted that orders a job to complete, cancel or pause. */
  heard(command: string, args: Readonly<Record<string, unknown>>, reply: QmpReply): void {
    const verb = ORDERS[command];
    const job = verb === undefined ? undefined : args[verb.key];
    if (verb === undefined || typeof job !== 'string' || isError(reply)) return;
    const orders = this.#orders.get(job) ?? new Set<JobOrder>();
    if (verb.order === 'resume') orders.delete('pause');
    else orders.add(verb.order);
    this.#orders.set(job, orders);
  }

  /** The orders job `id` is carrying out. */
  orders(id: string): ReadonlySet<JobOrder> {
    return this.#orders.get(id) ?? new Set();
  }

  /** The job's last status seen, 'null' once it is gone; undefined for a job never started. */
  status(id: string): string | undefined {
    return this.#last.get(id);
  }

  /** A new QEMU (restart, crash) starts without jobs. */
  forget(): void {
    this.#last.clear();
    this.#orders.clear();
  }
}

export const jobNotFound = (id: string): RunReply => ({ ok: false, desc: `Job '${id}' not found` });

/**
 * The verdict on a run of job `id` (not by chunks) that has moved through `seen` (its status at
 * the start first) and is now in the last of them, or 'wait' while it is still moving, which
 * includes a waiting status the job was ordered out of (`orders`, see LEAVES).
 */
export function runVerdict(
  id: string,
  limit: Exclude<JobLimit, { chunks: number }>,
  seen: readonly string[],
  orders: ReadonlySet<JobOrder> = new Set(),
): RunReply | 'wait' {
  const now = seen.at(-1);
  if (now === undefined) return jobNotFound(id);
  if (limit !== 'settle' && seen.includes(limit.until)) return { ok: true, status: now };
  const leaving = [...orders].some((o) => LEAVES[o].includes(now));
  if (!SETTLED.includes(now) || leaving) return 'wait';
  if (limit === 'settle') return { ok: true, status: now };
  const where = now === 'null' ? 'is gone' : `stopped in status '${now}'`;
  return { ok: false, desc: `Job '${id}' ${where} without reaching status '${limit.until}'` };
}
