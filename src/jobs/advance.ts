/**
 * Moving jobs forward: the only way a job makes progress (see job.ts). A scenario runs a job by
 * a number of chunks, until it reaches a status, or until it needs nothing more, and can put a
 * guest write between two chunks. `until` is checked between chunks: a status the job passes
 * through inside one chunk (waiting, and pending under auto-finalize) is not a stopping point;
 * the job then runs on until it settles.
 */
import type { Machine } from '../machine.ts';
import { findJob } from './registry.ts';
import type { JobStatus } from './status.ts';

export type AdvanceLimit =
  | { readonly chunks: number }
  | { readonly until: JobStatus }
  /**
   * Until the job waits for a user command or is gone: paused (or standby), pending, concluded,
   * or ready with nothing to copy (a synced mirror idles until job-complete or a guest write).
   */
  | 'settle';

export type AdvanceResult =
  | { readonly ok: true; readonly chunks: number; readonly status: JobStatus }
  | { readonly ok: false; readonly desc: string };

/** A bound on iterations, so a job retrying an ignored error forever cannot hang a run. */
const MAX_CHUNKS = 1_000_000;

export function advanceJob(machine: Machine, id: string, limit: AdvanceLimit): AdvanceResult {
  const job = findJob(machine, id);
  if (job === undefined) return { ok: false, desc: `Job '${id}' not found` };
  const max = typeof limit === 'object' && 'chunks' in limit ? limit.chunks : MAX_CHUNKS;
  const target = typeof limit === 'object' && 'until' in limit ? limit.until : undefined;
  let chunks = 0;
  while (chunks < max && job.status !== target && job.runChunk()) chunks++;
  return { ok: true, chunks, status: job.status };
}
