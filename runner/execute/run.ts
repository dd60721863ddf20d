/**
 * A run: every selected case on every selected backend, in order, one at a time (the machine has
 * two cores and QEMU cases start processes). Listeners see each result as it ends; the runner
 * knows no reporter by name.
 */
import type { Backend } from '../backends/backend.ts';
import type { ObservedValue } from '../expect/outcome.ts';
import type { CaseResult, RunSummary } from '../result.ts';
import type { ScenarioCase } from '../scenario/types.ts';
import { compareBackends } from './divergence.ts';
import { ineligibility } from './eligibility.ts';
import { resultBase, runCase, type CaseRun } from './run-case.ts';
import { runsWholeCases } from './sim-thread.ts';

export interface RunOptions {
  readonly timeoutMs: number;
  /** Stop after the first failed or errored case. */
  readonly bail: boolean;
  readonly onCaseEnd?: (result: CaseResult) => void;
}

export interface RunOutput {
  readonly summary: RunSummary;
  /** Per case id, the actual values at its expectation spans (for --update). */
  readonly observed: ReadonlyMap<string, readonly ObservedValue[]>;
}

export async function runAll(
  cases: readonly ScenarioCase[],
  backends: readonly Backend[],
  invalidFiles: RunSummary['invalidFiles'],
  options: RunOptions,
): Promise<RunOutput> {
  const started = performance.now();
  const results: CaseResult[] = [];
  const observed = new Map<string, readonly ObservedValue[]>();
  for (const c of cases) {
    const runs: CaseRun[] = [];
    for (const backend of backends) runs.push(skipIneligible(c, backend) ?? (await runOn(backend, c, options.timeoutMs)));
    const compared = compareBackends(c, runs);
    for (const run of compared) {
      results.push(run.result);
      observed.set(run.result.id, run.observed);
      options.onCaseEnd?.(run.result);
    }
    if (options.bail && compared.some((r) => r.result.status === 'failed' || r.result.status === 'error')) break;
  }
  const count = (s: CaseResult['status']) => results.filter((r) => r.status === s).length;
  const summary: RunSummary = {
    cases: results, passed: count('passed'), failed: count('failed'), errors: count('error'), skipped: count('skipped'),
    durationMs: performance.now() - started, invalidFiles,
  };
  return { summary, observed };
}

/** A backend that isolates whole cases (the simulator in its thread) runs them itself. */
function runOn(backend: Backend, c: ScenarioCase, timeoutMs: number): Promise<CaseRun> {
  return runsWholeCases(backend) ? backend.runWhole(c, timeoutMs) : runCase(c, backend, timeoutMs);
}

/** A case the backend cannot run (eligibility.ts) is skipped there with the reason, not failed. */
function skipIneligible(c: ScenarioCase, backend: Backend): CaseRun | undefined {
  const reason = ineligibility(c, backend.name);
  if (reason === undefined) return undefined;
  return {
    result: { ...resultBase(c, backend.name), status: 'skipped', durationMs: 0, failures: [], skipReason: reason },
    observed: [],
  };
}
