/**
 * With `--backend both`, the simulator and QEMU must see the same values at every expectation,
 * whether or not the expectation holds: a value on which they differ is a simulator bug (or an
 * unverified corner of the reference) even when the scenario's expectation happens to match one.
 */
import type { Failure } from '../result.ts';
import { spanKey } from '../source.ts';
import type { CaseRun } from './run-case.ts';

export function disagreements(runs: readonly CaseRun[]): Failure[] {
  const ran = runs.filter((r) => r.result.status === 'passed' || r.result.status === 'failed');
  const [first, ...others] = ran;
  if (first === undefined) return [];
  const reference = new Map(first.observed.map((o) => [spanKey(o.span), o]));
  const failures: Failure[] = [];
  for (const other of others) {
    for (const o of other.observed) {
      const ref = reference.get(spanKey(o.span));
      if (ref === undefined || ref.text === null || o.text === null || ref.text === o.text) continue;
      const a = first.result.backend;
      const b = other.result.backend;
      failures.push({
        code: 'backend-disagreement',
        message: `${a} and ${b} observed different values here`,
        span: o.span,
        expected: `${a}: ${ref.text}`,
        actual: `${b}: ${o.text}`,
      });
    }
  }
  return failures;
}
