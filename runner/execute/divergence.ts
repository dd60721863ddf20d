/**
 * One case's runs on every backend, compared: sim-vs-QEMU disagreements become failures on the
 * last run, except where the scenario's `divergence:` declares the difference on purpose. There,
 * both the disagreement and the qemu run's own mismatch at that expectation (the expectations are
 * the model's) become known divergences: shown in every report, never failing the case.
 */
import type { CaseResult, Failure, KnownDivergence } from '../result.ts';
import { expectationNames, type Divergence } from '../scenario/divergence.ts';
import type { ScenarioCase } from '../scenario/types.ts';
import { spanKey, type SourceSpan } from '../source.ts';
import { disagreements } from './disagreement.ts';
import type { CaseRun } from './run-case.ts';

/** Mismatches of an observed value; a step that errs, or a hang, leaves the scenario and is never excused. */
const VALUE_MISMATCHES: ReadonlySet<Failure['code']> = new Set([
  'bitmap-mismatch', 'data-mismatch', 'node-mismatch', 'job-mismatch', 'event-mismatch', 'error-mismatch', 'backend-disagreement',
]);

export function compareBackends(c: ScenarioCase, runs: readonly CaseRun[]): CaseRun[] {
  const extra = disagreements(runs);
  const covers = coverage(c);
  const excused = (f: Failure) => covers !== undefined && VALUE_MISMATCHES.has(f.code) && covers.test(f.span);
  const knownSpans = new Set(extra.filter(excused).map((f) => spanKey(f.span)));
  const settled = runs.map((run) => {
    if (run.result.backend !== 'qemu' || covers === undefined) return run;
    const [known, failing] = split(run.result.failures, excused);
    // The same difference already shows as a disagreement with both values; keep it once.
    return withFailures(run, failing, known.filter((f) => !knownSpans.has(spanKey(f.span))), covers.reason);
  });
  const last = settled.at(-1);
  if (last === undefined || extra.length === 0) return settled;
  const [known, failing] = split(extra, excused);
  // Disagreement is reported once, on the last backend's result.
  settled[settled.length - 1] = withFailures(last, [...last.result.failures, ...failing], known, covers?.reason ?? '');
  return settled;
}

interface Coverage {
  readonly reason: string;
  test(span: SourceSpan): boolean;
}

function coverage(c: ScenarioCase): Coverage | undefined {
  const d: Divergence | undefined = c.divergence;
  if (d === undefined) return undefined;
  if (d.only === undefined) return { reason: d.reason, test: () => true };
  const only = new Set(d.only.map((o) => o.value));
  const names = expectationNames(c.steps);
  return { reason: d.reason, test: (span) => (names.get(spanKey(span)) ?? []).some((n) => only.has(n)) };
}

function split(failures: readonly Failure[], pred: (f: Failure) => boolean): [Failure[], Failure[]] {
  return [failures.filter(pred), failures.filter((f) => !pred(f))];
}

function withFailures(run: CaseRun, failures: Failure[], known: readonly Failure[], reason: string): CaseRun {
  if (known.length === 0 && failures.length === run.result.failures.length) return run;
  const knownDivergences: KnownDivergence[] = [...(run.result.knownDivergences ?? []), ...known.map((failure) => ({ reason, failure }))];
  const ran = run.result.status === 'passed' || run.result.status === 'failed';
  const status: CaseResult['status'] = ran ? (failures.length > 0 ? 'failed' : 'passed') : run.result.status;
  const result: CaseResult = { ...run.result, status, failures, ...(knownDivergences.length > 0 ? { knownDivergences } : {}) };
  return { ...run, result };
}
