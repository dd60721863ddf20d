/**
 * A `run` step on the simulator: jobs move only here, chunk by chunk (src/jobs/advance.ts), and
 * the verdict comes from the statuses the job moved through, as on QEMU (job-run.ts).
 */
import type { Simulator } from '../../src/simulator.ts';
import type { JobLimit, RunReply } from './backend.ts';
import { jobNotFound, runVerdict, type JobStatusLog } from './job-run.ts';

/** `collect` moves the simulator's new events into the session's queue and log, returning what job `id` moved through. */
export function runSimJob(sim: Simulator, log: JobStatusLog, collect: (id?: string) => string[], id: string, limit: JobLimit): RunReply {
  collect();
  const start = log.status(id);
  const advanced = sim.advanceJob(id, limit);
  const moved = collect(id);
  if (start === undefined || (!advanced.ok && start !== 'null')) return jobNotFound(id);
  if (typeof limit === 'object' && 'chunks' in limit) return { ok: true, status: advanced.ok ? advanced.status : start };
  const verdict = runVerdict(id, limit, [start, ...moved], log.orders(id));
  // advanceJob stops only where the job cannot run on, so a moving job here hit its chunk bound.
  return verdict === 'wait' ? { ok: false, desc: `Job '${id}' is still moving after ${advanced.ok ? advanced.chunks : 0} chunks` } : verdict;
}
