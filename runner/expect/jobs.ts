/**
 * Job expectations against query-jobs: `s0: null` (the job is gone, i.e. dismissed) or the
 * fields written, compared as QEMU reports them (JobInfo in qapi/job.json).
 */
import { formatSize } from '../../src/size.ts';
import type { JobExpectation, JobFields } from '../scenario/types.ts';
import type { CheckOutcome, ObservedValue } from './outcome.ts';

/** One element of query-jobs' return, as far as expectations look at it. */
export type JobInfo = Readonly<Record<string, unknown>> & { readonly id: string };

type Field = keyof JobFields;
const FIELDS: readonly Field[] = ['type', 'status', 'current-progress', 'total-progress', 'error'];

export function checkJob(exp: JobExpectation, jobs: readonly JobInfo[]): CheckOutcome {
  const job = jobs.find((j) => j.id === exp.id);
  if (exp.expected === null || job === undefined) {
    const holds = (exp.expected === null) === (job === undefined);
    const text = job === undefined ? 'null' : `{ status: ${render('status', job['status'])} }`;
    const say = (present: boolean) => `job ${exp.id}: ${present ? 'present' : 'absent'}`;
    const failures = holds ? [] : [{
      code: 'job-mismatch' as const,
      message: job === undefined ? `job ${exp.id} does not exist` : `job ${exp.id} exists but should not`,
      span: exp.span,
      expected: say(exp.expected !== null),
      actual: say(job !== undefined),
    }];
    return { failures, observed: [{ span: exp.span, text, holds }] };
  }
  const fields = exp.expected;
  const written = FIELDS.filter((f) => fields[f] !== undefined);
  const observed: ObservedValue[] = [];
  const want = (f: Field) => render(f, fields[f]?.value);
  const got = (f: Field) => render(f, job[f]);
  for (const f of written) {
    const spanned = fields[f];
    // A field QEMU leaves out (e.g. `error` of a job that did not fail) has no value to write back.
    if (spanned !== undefined) observed.push({ span: spanned.span, text: job[f] === undefined ? null : got(f), holds: want(f) === got(f) });
  }
  const differing = written.filter((f) => want(f) !== got(f));
  if (differing.length === 0) return { failures: [], observed };
  return {
    failures: [{
      code: 'job-mismatch',
      message: `job ${exp.id}: ${differing.join(', ')} differ${differing.length === 1 ? 's' : ''}`,
      span: exp.span,
      expected: [`job ${exp.id}:`, ...written.map((f) => `  ${f}: ${want(f)}`)].join('\n'),
      actual: [`job ${exp.id}:`, ...written.map((f) => `  ${f}: ${got(f)}`)].join('\n'),
    }],
    observed,
  };
}

function render(f: Field, v: unknown): string {
  if (v === undefined) return 'absent';
  if ((f === 'current-progress' || f === 'total-progress') && typeof v === 'number') return formatSize(v);
  return f === 'error' ? JSON.stringify(v) : String(v);
}
