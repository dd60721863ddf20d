/**
 * A `run` step on real QEMU, where jobs move on their own: wait for the job's JOB_STATUS_CHANGE
 * events until the verdict is in (job-run.ts), at most `timeoutMs` for each next event. A job
 * QEMU must hold for a scenario to look at it is held by the scenario itself (auto-finalize:false
 * waits in pending, auto-dismiss:false in concluded, job-pause; reference appendix). Running by
 * chunks cannot be reproduced: QEMU has no way to stop a job after exactly N iterations.
 */
import { Unsupported } from '../../execute/unsupported.ts';
import type { JobLimit, RunReply } from '../backend.ts';
import { runVerdict, type JobStatusLog } from '../job-run.ts';
import { isLost, type QmpLost } from './qmp-client.ts';

export interface EventSource {
  readonly log: JobStatusLog;
  /** Moves queued events into the session, returning the statuses job `id` moved through. */
  collect(id: string): string[];
  /** Waits for QEMU's next event (any) and collects it with whatever came after it. */
  next(id: string): Promise<string[] | QmpLost>;
  /** A command round trip, then collect: every event QEMU sent before answering is in. */
  sync(id: string): Promise<string[] | QmpLost>;
}

const CHUNKS_ON_QEMU = 'run by chunks: QEMU cannot stop a job after exactly N chunks';

export async function runQemuJob(source: EventSource, id: string, limit: JobLimit): Promise<RunReply | QmpLost> {
  if (typeof limit === 'object' && 'chunks' in limit) throw new Unsupported(CHUNKS_ON_QEMU);
  const before = source.log.status(id);
  const seen = [...(before === undefined ? [] : [before]), ...source.collect(id)];
  for (;;) {
    const verdict = runVerdict(id, limit, seen, source.log.orders(id));
    // A status can look settled for an instant: pending under auto-finalize, concluded under
    // auto-dismiss move on in the same main-loop turn (job.c:job_completed_txn_success_locked),
    // so once QEMU has answered a command, any status that followed has been sent.
    const moved = verdict === 'wait' ? await source.next(id) : await source.sync(id);
    if (verdict !== 'wait' && !isLost(moved) && moved.length === 0) return verdict;
    if (isLost(moved)) {
      // No event in time is the scenario's failure (a job that never gets there), not a broken QEMU.
      if (/not seen within/.test(moved.lost)) return { ok: false, desc: `Job '${id}' is still ${seen.at(-1) ?? ''}: ${moved.lost}` };
      return moved;
    }
    seen.push(...moved);
  }
}
