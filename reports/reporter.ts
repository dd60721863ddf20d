/**
 * The one reporter interface. Every hook is optional and named after a lifecycle event; inputs
 * are read-only results (runner/result.ts). A reporter writes through the sink it was made with,
 * so the CLI decides whether that is stdout or a file.
 */
import { createColors, getDefaultColors, type Colors } from 'tinyrainbow';
import type { CaseResult, RunSummary } from '../runner/result.ts';

export interface RunStart {
  /** Cases the selection will run, in order. */
  readonly caseCount: number;
  /** One line per backend, from Backend.describe(). */
  readonly backends: readonly string[];
}

export interface Reporter {
  onRunStart?(run: RunStart): void;
  onCaseEnd?(result: CaseResult): void;
  onRunEnd?(summary: RunSummary): void;
}

export interface ReportSink {
  write(text: string): void;
}

export interface ReporterOptions {
  readonly out: ReportSink;
  /** ANSI colour; the CLI sets it only for a TTY without a non-empty NO_COLOR. */
  readonly color: boolean;
}

export type ReporterFactory = (options: ReporterOptions) => Reporter;

/** "name [axis=value,...] @backend": how every reporter names a case. */
export function caseLabel(result: CaseResult): string {
  const axes = Object.entries(result.axes).map(([k, v]) => `${k}=${v}`);
  return `${result.scenario}${axes.length > 0 ? ` [${axes.join(',')}]` : ''} @${result.backend}`;
}

/**
 * Colours on or off exactly as asked: tinyrainbow's createColors({force: false}) still sniffs the
 * environment, and getDefaultColors() is its colourless palette.
 */
export function palette(color: boolean): Colors {
  return color ? createColors({ force: true }) : getDefaultColors();
}
