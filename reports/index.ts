/** Reporters by name: the CLI resolves `--reporter name[=file]` here and nowhere else. */
import { github } from './github.ts';
import { html } from './html.ts';
import { json } from './json.ts';
import { junit } from './junit.ts';
import type { ReporterFactory } from './reporter.ts';
import { text } from './text.ts';

export const reporters: Readonly<Record<string, ReporterFactory>> = { text, json, junit, github, html };

export function reporterNames(): string[] {
  return Object.keys(reporters);
}

export type { Reporter, ReporterFactory, ReporterOptions, ReportSink, RunStart } from './reporter.ts';
