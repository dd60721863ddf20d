/**
 * Source positions. Offsets are 0-based UTF-16 indices into the file text, kept through the
 * whole pipeline; line and column (1-based) are derived once when the file is loaded so that
 * reporters never need the text again.
 */
export interface SourceSpan {
  readonly file: string;
  /** [start, end) offsets into the file's text. */
  readonly start: number;
  readonly end: number;
  /** 1-based line and column of `start`. */
  readonly line: number;
  readonly col: number;
  /** The full text of the line holding `start`, for a caret display. */
  readonly sourceLine: string;
}

/** Stable codes: tests assert these and the position; messages stay free to improve. */
export type DiagnosticCode =
  | 'yaml-syntax'
  | 'unknown-key'
  | 'wrong-type'
  | 'missing-key'
  | 'bad-size'
  | 'bad-io-command'
  | 'io-out-of-range'
  | 'unknown-node'
  | 'unknown-device'
  | 'unknown-bitmap'
  | 'unknown-job'
  | 'unknown-command'
  | 'duplicate-name'
  | 'bad-matrix'
  | 'bad-include'
  | 'read-failed'
  | 'unknown-expectation'
  | 'invalid'
  /** Not the scenario's fault: the backend broke down (QEMU died or went silent, the simulator threw). */
  | 'backend-error';

/** An error in a scenario file: a value, never thrown across module boundaries. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly span: SourceSpan;
}

/**
 * Identifies a span across cases and backends: one expectation value is one span however many
 * matrix cases, fragments' users or backends observe it.
 */
export function spanKey(s: Pick<SourceSpan, 'file' | 'start' | 'end'>): string {
  return `${s.file}\0${s.start}\0${s.end}`;
}
