/** Loads every discovered file; one bad file is reported and does not stop the others. */
import { formatDiagnostic } from '../scenario/format.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { ScenarioCase } from '../scenario/types.ts';
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
    const r = loadScenarioFile(file);
    if (r.diagnostics.length > 0) invalidFiles.push({ file, diagnostics: r.diagnostics });
    cases.push(...r.cases);
  }
  return { files, cases, invalidFiles, missing };
}

export function describeInvalid(loaded: Loaded): string {
  return loaded.invalidFiles.flatMap((f) => f.diagnostics.map((d) => `${formatDiagnostic(d)}\n`)).join('');
}
