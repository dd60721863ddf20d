/**
 * What running scenarios produces. Reporters receive these read-only values and nothing else;
 * the runner knows no reporter by name.
 */
import type { Diagnostic, SourceSpan } from './source.ts';

export type BackendName = 'sim' | 'qemu';

export type FailureCode =
  | 'bitmap-mismatch'
  | 'data-mismatch'
  | 'node-mismatch'
  | 'image-mismatch'
  | 'job-mismatch'
  | 'event-mismatch'
  | 'error-mismatch'
  | 'unexpected-error'
  | 'missing-error'
  | 'backend-disagreement'
  | 'timeout';

/** One expectation that did not hold. */
export interface Failure {
  readonly code: FailureCode;
  /** One line, e.g. "bitmap top/b0: dirty extents differ". */
  readonly message: string;
  /** Where the expectation (or the failing step) is written. */
  readonly span: SourceSpan;
  /** Canonical renderings, compared line by line for the unified diff. */
  readonly expected: string;
  readonly actual: string;
  /** Bitmap strips ("...X....") at one scale, when the failure is about a bitmap. */
  readonly pictures?: { readonly expected: string; readonly actual: string; readonly scale: string };
}

/** A difference from QEMU the scenario declares on purpose (`divergence:`): reported, not failed. */
export interface KnownDivergence {
  /** The scenario's `divergence.reason`. */
  readonly reason: string;
  /** The difference as it would otherwise have failed: a backend-disagreement, or a qemu run's mismatch. */
  readonly failure: Failure;
}

export type CaseStatus = 'passed' | 'failed' | 'error' | 'skipped';

/** The run of one scenario case (a matrix expands a file into several) on one backend. */
export interface CaseResult {
  /** Stable identifier: "<file>#<scenario>[axis=value,...]@<backend>". */
  readonly id: string;
  readonly file: string;
  readonly scenario: string;
  /** Matrix axis values of this case, empty for a plain scenario. */
  readonly axes: Readonly<Record<string, string>>;
  readonly tags: readonly string[];
  readonly backend: BackendName;
  readonly status: CaseStatus;
  readonly durationMs: number;
  readonly failures: readonly Failure[];
  /** Set when status is 'error': invalid input or a backend that broke down. */
  readonly error?: Diagnostic;
  /** Set when status is 'skipped'. */
  readonly skipReason?: string;
  /** Differences from QEMU excused by the scenario's `divergence:`; absent when there are none. */
  readonly knownDivergences?: readonly KnownDivergence[];
}

export interface RunSummary {
  readonly cases: readonly CaseResult[];
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  readonly skipped: number;
  readonly durationMs: number;
  /** Files that could not be loaded at all, with every diagnostic found in them. */
  readonly invalidFiles: readonly { readonly file: string; readonly diagnostics: readonly Diagnostic[] }[];
}
