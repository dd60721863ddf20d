/** Loads every discovered file; one bad file is reported and does not stop the others. */
import { formatDiagnostic } from '../scenario/format.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { LoadResult, ScenarioCase } from '../scenario/types.ts';
import type { RunSummary } from '../result.ts';
import { discoverScenarioFiles } from './discover.ts';

export interface Loaded {
  readonly files: readonly string[];
  readonly cases: readonly ScenarioCase[];
  readonly invalidFiles: RunSummary['invalidFiles'];
  /** Paths that do not exist: a usage error. */
  readonly missing: readonly string[];
}

export function loadAll(paths: readonly string[]): Loaded {
  const { files, missing } = discoverScenarioFiles(paths);
  const cases: ScenarioCase[] = [];
  const invalidFiles: { file: string; diagnostics: RunSummary['invalidFiles'][number]['diagnostics'] }[] = [];
  for (const file of files) {
    const r = loadGuarded(file);
    if (r.diagnostics.length > 0) invalidFiles.push({ file, diagnostics: r.diagnostics });
    cases.push(...r.cases);
  }
  return { files, cases, invalidFiles, missing };
}

/**
 * The loader reports bad input as diagnostics; an exception from it is a loader bug, which must
 * still cost only this file, not the run.
 */
function loadGuarded(file: string): LoadResult {
  try {
    return loadScenarioFile(file);
  } catch (e) {
    const span = { file, start: 0, end: 0, line: 1, col: 1, sourceLine: '' };
    const message = `internal error while loading: ${e instanceof Error ? e.message : String(e)}`;
    return { file, cases: [], diagnostics: [{ code: 'invalid', message, span }] };
  }
}

export function describeInvalid(loaded: Loaded): string {
  return loaded.invalidFiles.flatMap((f) => f.diagnostics.map((d) => `${formatDiagnostic(d)}\n`)).join('');
}
