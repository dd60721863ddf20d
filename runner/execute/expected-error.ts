/**
 * A step's outcome against its `expect-error`: absent means the step must succeed; `desc` compares
 * QEMU's description exactly, `match` searches a regular expression in it; `class` when written.
 * For qemu-io steps the "description" is qemu-io's message and the class is not compared.
 */
import type { Failure } from '../result.ts';
import type { ExpectedError } from '../scenario/types.ts';
import type { SourceSpan } from '../source.ts';
import type { CheckOutcome, ObservedValue } from '../expect/outcome.ts';

/** What the step produced: nothing (success) or an error with an optional class. */
export type StepError = { readonly class?: string; readonly desc: string } | undefined;

export interface ErrorCheck extends CheckOutcome {
  /** The state the scenario assumed is not the state we are in: later steps would mislead. */
  readonly stop: boolean;
}

export function checkStepError(what: string, span: SourceSpan, expected: ExpectedError | undefined, actual: StepError): ErrorCheck {
  const show = (e: { readonly class?: string | undefined; readonly desc: string }) => (e.class === undefined ? e.desc : `${e.class}: ${e.desc}`);
  if (expected === undefined) {
    if (actual === undefined) return { failures: [], observed: [], stop: false };
    return { failures: [failure('unexpected-error', `${what} failed: ${actual.desc}`, span, 'success', show(actual))], observed: [], stop: true };
  }
  const wanted = show({ class: expected.class?.value, desc: expected.kind === 'desc' ? expected.desc.value : `/${expected.match.value.source}/` });
  if (actual === undefined) {
    return { failures: [failure('missing-error', `${what} succeeded but should have failed`, expected.span, wanted, 'success')], observed: [], stop: true };
  }
  const observed: ObservedValue[] = [];
  const classHolds = expected.class === undefined || actual.class === undefined || expected.class.value === actual.class;
  if (expected.class !== undefined && actual.class !== undefined) observed.push({ span: expected.class.span, text: actual.class, holds: classHolds });
  const descHolds = expected.kind === 'desc' ? expected.desc.value === actual.desc : expected.match.value.test(actual.desc);
  // A regex that no longer matches cannot be rewritten mechanically; an exact desc can.
  if (expected.kind === 'desc') observed.push({ span: expected.desc.span, text: JSON.stringify(actual.desc), holds: descHolds });
  if (classHolds && descHolds) return { failures: [], observed, stop: false };
  const actualShown = show({ class: expected.class === undefined ? undefined : actual.class, desc: actual.desc });
  return { failures: [failure('error-mismatch', `${what} failed differently than expected`, expected.span, wanted, actualShown)], observed, stop: false };
}

function failure(code: Failure['code'], message: string, span: SourceSpan, expected: string, actual: string): Failure {
  return { code, message, span, expected, actual };
}
