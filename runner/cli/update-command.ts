/**
 * The --update half of `run`: every case's actual values become edits, written per file. The
 * exit code says whether the library now passes: 0 only when every failure was an expectation
 * this could rewrite and nothing was refused.
 */
import type { RunOutput } from '../execute/run.ts';
import type { FailureCode } from '../result.ts';
import { isFragmentPath, loadScenarioText } from '../scenario/load.ts';
import { parseSourceFile } from '../scenario/source-file.ts';
import { yamlDiagnostics } from '../scenario/yaml-errors.ts';
import { applyUpdate } from '../update/apply.ts';
import { planUpdate, type Sighting } from '../update/plan.ts';
import type { CliIo } from './io.ts';

/** Failures that are a written value disagreeing with an observed one. */
const REWRITABLE: ReadonlySet<FailureCode> = new Set(['bitmap-mismatch', 'node-mismatch', 'job-mismatch', 'error-mismatch', 'image-mismatch']);

export function updateFromRun(run: RunOutput, io: CliIo): number {
  const sightings: Sighting[] = [...run.observed].flatMap(([caseId, values]) => values.map((value) => ({ caseId, value })));
  const report = applyUpdate(planUpdate(sightings), reparse);
  for (const f of report.written) io.stderr(`dirtysim: updated ${f}\n`);
  for (const p of report.problems) io.stderr(`dirtysim: ${p}\n`);
  const leftOver = run.summary.cases.some((c) => c.status === 'error' || c.failures.some((f) => !REWRITABLE.has(f.code)));
  return report.problems.length > 0 || leftOver ? 1 : 0;
}

/**
 * A scenario must load again; a fragment (`_x.yaml`, spliced when a step it contributes failed)
 * is not a scenario on its own, so it must at least stay well-formed YAML.
 */
function reparse(file: string, text: string) {
  return isFragmentPath(file) ? yamlDiagnostics(parseSourceFile(file, text)) : loadScenarioText(file, text).diagnostics;
}
