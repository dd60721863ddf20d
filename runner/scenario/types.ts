/**
 * A scenario after loading: every matrix combination expanded, `${axis}` interpolated, `when`
 * applied and fragments merged. Each step and each expectation value keeps its SourceSpan, so a
 * failure points at the text and `--update` can splice a new value exactly over the old one.
 *
 * Sizes are numbers of bytes here; QMP arguments stay as the YAML wrote them after
 * interpolation (QEMU's own parser takes sizes such as "64K" only where the QAPI type is a
 * size, so the loader converts the known size arguments, e.g. `granularity`, to numbers).
 */
import type { Bytes } from '../../src/size.ts';
import type { Extent, JobLimit, Semantics, Setup, StoredBitmapInfo } from '../backends/backend.ts';
import type { Diagnostic, SourceSpan } from '../source.ts';
import type { Divergence } from './divergence.ts';

/** A value together with where it is written (the span of the YAML value node). */
export interface Spanned<T> {
  readonly value: T;
  readonly span: SourceSpan;
}

/**
 * What a failing step must produce. `desc` compares QEMU's description string exactly; `match`
 * is a regular expression searched in it. For an `io` step the description is qemu-io's message.
 */
export type ExpectedError =
  | { readonly kind: 'desc'; readonly class?: Spanned<string>; readonly desc: Spanned<string>; readonly span: SourceSpan }
  | { readonly kind: 'match'; readonly class?: Spanned<string>; readonly match: Spanned<RegExp>; readonly span: SourceSpan };

/** Any QMP command, named verbatim, with its arguments after interpolation. */
export interface QmpStep {
  readonly kind: 'qmp';
  readonly command: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** Absent: the command must succeed. */
  readonly expectError?: ExpectedError;
  readonly span: SourceSpan;
}

/** A qemu-io command line on a guest device (qdev id) or a node (node-name). */
export interface IoStep {
  readonly kind: 'io';
  readonly target: string;
  /** The qemu-io command line without the target, e.g. "write -P 0x11 200K 4K". */
  readonly line: string;
  readonly expectError?: ExpectedError;
  readonly span: SourceSpan;
}

/**
 * A host tool on the session's image files: `qemu-img` with its argument words (only `bitmap`),
 * or `qemu-io` on a closed image. A failure's description is the tool's message (qemu-img's stderr).
 */
export type ToolStep =
  | { readonly kind: 'qemu-img'; readonly args: readonly string[]; readonly expectError?: ExpectedError; readonly span: SourceSpan }
  | { readonly kind: 'qemu-io'; readonly file: string; readonly line: string; readonly expectError?: ExpectedError; readonly span: SourceSpan };

/** `run`: moves a job on by chunks (simulator only), until a status, or until it settles. */
export interface RunStep {
  readonly kind: 'run';
  readonly job: string;
  readonly limit: JobLimit;
  /** E.g. `Job 's0' is gone without reaching status 'ready'`. */
  readonly expectError?: ExpectedError;
  readonly span: SourceSpan;
}

/** Clean quit and reopen of the same setup (`restart`), or SIGKILL and reopen (`crash`). */
export interface LifecycleStep {
  readonly kind: 'restart' | 'crash';
  readonly span: SourceSpan;
}

export interface ExpectStep {
  readonly kind: 'expect';
  readonly bitmaps: readonly BitmapExpectation[];
  readonly io: readonly IoCheck[];
  readonly nodes: readonly NodeExpectation[];
  readonly jobs: readonly JobExpectation[];
  /** Job events since the previous events expectation; absent means none written. */
  readonly events?: readonly EventsExpectation[];
  /** Stored bitmap directories of image files; absent means none written. */
  readonly images?: readonly ImageExpectation[];
  readonly span: SourceSpan;
}

export type Step = QmpStep | IoStep | ToolStep | RunStep | LifecycleStep | ExpectStep;

/** `images: { base.qcow2: [{name, granularity, flags}, ...] }`: the whole directory, in order. */
export interface ImageExpectation {
  readonly file: string;
  readonly keySpan: SourceSpan;
  readonly span: SourceSpan;
  readonly expected: readonly StoredBitmapInfo[];
}

/** `node/name: {...}` or `node/name: null` (the bitmap must not exist). */
export interface BitmapExpectation {
  readonly node: string;
  readonly name: string;
  /** The `node/name` key. */
  readonly keySpan: SourceSpan;
  /** The whole value: the mapping, or the `null`. */
  readonly span: SourceSpan;
  readonly expected: BitmapFields | null;
}

/** Only the fields written are compared. */
export interface BitmapFields {
  /** Dirty extents in order, from `[192K+64K, ...]`; span covers the whole sequence. */
  readonly dirty?: Spanned<readonly Extent[]>;
  readonly count?: Spanned<Bytes>;
  readonly granularity?: Spanned<Bytes>;
  /** A picture of '.' and 'X' cells (see runner/expect/picture.ts); validated characters only. */
  readonly map?: Spanned<string>;
  readonly sha256?: Spanned<string>;
  readonly recording?: Spanned<boolean>;
  readonly busy?: Spanned<boolean>;
  readonly persistent?: Spanned<boolean>;
  readonly inconsistent?: Spanned<boolean>;
}

/** A guest-visible data check: a qemu-io line (normally `read -P`) that must succeed. */
export interface IoCheck {
  readonly target: string;
  readonly line: string;
  readonly span: SourceSpan;
}

/** `nodes: { top: true, mid: false }`: whether a node-name exists. */
export interface NodeExpectation {
  readonly node: string;
  readonly keySpan: SourceSpan;
  readonly exists: Spanned<boolean>;
}

/** `jobs: { s0: null }` (gone) or the query-jobs fields to compare, named as QEMU names them. */
export interface JobExpectation {
  readonly id: string;
  readonly keySpan: SourceSpan;
  readonly span: SourceSpan;
  readonly expected: JobFields | null;
}

/**
 * `events: { s0: [created, running, BLOCK_JOB_COMPLETED len=1M offset=1M, ...] }`: what job s0
 * emitted, in order (runner/scenario/event-item.ts gives the item syntax).
 */
export interface EventsExpectation {
  readonly id: string;
  readonly keySpan: SourceSpan;
  readonly expected: Spanned<readonly string[]>;
}

export interface JobFields {
  readonly status?: Spanned<string>;
  readonly type?: Spanned<string>;
  readonly 'current-progress'?: Spanned<Bytes>;
  readonly 'total-progress'?: Spanned<Bytes>;
  readonly error?: Spanned<string>;
}

/** One runnable case: a file without a matrix gives one, a matrix gives one per combination. */
export interface ScenarioCase {
  readonly file: string;
  /** The `scenario:` text. */
  readonly scenario: string;
  /** Axis values of this case (including `semantics` when a list was given); empty otherwise. */
  readonly axes: Readonly<Record<string, string>>;
  /** `scenario` plus `[axis=value,...]` when axes is not empty. */
  readonly name: string;
  readonly about: string;
  readonly tags: readonly string[];
  readonly semantics: Semantics;
  readonly setup: Setup;
  readonly steps: readonly Step[];
  /** `divergence:` when written: where QEMU differs from the model on purpose. */
  readonly divergence?: Divergence;
  /** The `scenario:` value. */
  readonly span: SourceSpan;
}

/**
 * The result of loading one file. Never thrown: bad input becomes diagnostics, all of a file's
 * errors at once. When `diagnostics` is not empty, `cases` is empty.
 */
export interface LoadResult {
  readonly file: string;
  readonly cases: readonly ScenarioCase[];
  readonly diagnostics: readonly Diagnostic[];
}

/** How the loader reads fragments (`use:`); returns undefined when the file cannot be read. */
export type ReadFile = (path: string) => string | undefined;

/** Signatures of runner/scenario/load.ts, for modules built alongside it. */
export type LoadScenarioFile = (path: string) => LoadResult;
export type LoadScenarioText = (file: string, text: string, readFile?: ReadFile) => LoadResult;
