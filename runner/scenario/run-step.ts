/**
 * Builds a `run` step: `run: s0` (until the job settles), `run: { job: s0, chunks: 2 }` or
 * `run: { job: s0, until: pending }`. The job must have been started by an earlier step, unless the
 * step is meant to fail.
 */
import { RUN_TARGETS, type JobLimit, type RunTarget } from '../backends/backend.ts';
import type { SourceSpan } from '../source.ts';
import type { Path } from './source-file.ts';
import { didYouMean } from './suggest.ts';
import type { Tracer } from './trace.ts';
import type { ExpectedError, RunStep } from './types.ts';

interface RunArgs {
  readonly job: string;
  readonly chunks?: number;
  readonly until?: RunTarget;
}

export function buildRun(value: unknown, at: Path, span: SourceSpan, t: Tracer, expectError: ExpectedError | undefined): RunStep {
  const args: RunArgs = typeof value === 'string' ? { job: value } : (value as RunArgs);
  const jobPath = typeof value === 'string' ? at : [...at, 'job'];
  if (args.chunks !== undefined && args.until !== undefined) t.report('invalid', 'run takes chunks or until, not both', at);
  if (args.until !== undefined && !RUN_TARGETS.includes(args.until)) {
    t.report('invalid', `until: '${String(args.until)}' is not one of ${RUN_TARGETS.join(', ')}${didYouMean(String(args.until), RUN_TARGETS)}`, [...at, 'until']);
  }
  if (expectError === undefined) checkJobRef(args.job, jobPath, t);
  const limit: JobLimit = args.chunks !== undefined ? { chunks: args.chunks } : args.until !== undefined ? { until: args.until } : 'settle';
  return { kind: 'run', job: args.job, limit, span, ...(expectError === undefined ? {} : { expectError }) };
}

/** A job id must name a job some earlier step started (any command with `job-id`). */
export function checkJobRef(id: string, path: Path, t: Tracer, key = false): void {
  if (t.state.jobs.has(id)) return;
  t.report('unknown-job', `no job '${id}' was started by an earlier step${didYouMean(id, t.state.jobs)}`, path, key);
}
