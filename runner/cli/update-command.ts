/**
 * The --update half of `run`: every case's actual values become edits, written per file. The
 * exit code says whether the library now passes: 0 only when every failure was an expectation
 * this could rewrite and nothing was refused.
 */
import type { RunOutput } from '../execute/run.ts';
import type { FailureCode } from '../result.ts';
import { loadScenarioText } from '../scenario/load.ts';
import { applyUpdate } from '../update/apply.ts';
import { planUpdate, type Sighting } from '../update/plan.ts';
import type { CliIo } from './io.ts';

/** Failures that are a written value disagreeing with an observed one. */
const REWRITABLE: ReadonlySet<FailureCode> = new Set(['bitmap-mismatch', 'node-mismatch', 'job-mismatch', 'error-mismatch']);

export function updateFromRun(run: RunOutput, io: CliIo): number {
  const sightings: Sighting[] = [...run.observed].flatMap(([caseId, values]) => values.map((value) => ({ caseId, value })));
  const report = applyUpdate(planUpdate(sightings), (file, text) => loadScenarioText(file, text).diagnostics);
  for (const f of report.written) io.stderr(`dirtysim: updated ${f}\n`);
  for (const p of report.problems) io.stderr(`dirtysim: ${p}\n`);
  const leftOver = run.summary.cases.some((c) => c.status === 'error' || c.failures.some((f) => !REWRITABLE.has(f.code)));
  return report.problems.length > 0 || leftOver ? 1 : 0;
}
