/**
 * What checking one expectation yields: failures for reporters, and for `--update` the actual
 * value at each expectation value's span, as YAML text ready to splice over the old value.
 */
import type { Failure } from '../result.ts';
import type { SourceSpan } from '../source.ts';

export interface ObservedValue {
  readonly span: SourceSpan;
  /**
   * The actual value written as YAML flow text, e.g. `[192K+64K]`, `64K`, `true`, `null`;
   * null when the backend could not read it (nothing to write back).
   */
  readonly text: string | null;
  /** Whether the written expectation already holds. */
  readonly holds: boolean;
}

export interface CheckOutcome {
  readonly failures: Failure[];
  readonly observed: ObservedValue[];
}

export function emptyOutcome(): CheckOutcome {
  return { failures: [], observed: [] };
}

export function mergeInto(into: CheckOutcome, more: CheckOutcome): void {
  into.failures.push(...more.failures);
  into.observed.push(...more.observed);
}
