/**
 * The human rendering of one case result: what the text reporter prints and what the vitest
 * entry fails with, so both read the same.
 */
import type { Colors } from 'tinyrainbow';
import type { CaseResult, Failure } from '../runner/result.ts';
import { formatDiagnostic as loaderFormat } from '../runner/scenario/format.ts';
import type { Diagnostic } from '../runner/source.ts';
import { location, sourceExcerpt } from './excerpt.ts';
import { caseLabel } from './reporter.ts';
import { unifiedDiff } from './unified-diff.ts';

const INDENT = '    ';

export function formatCase(result: CaseResult, c: Colors): string {
  const label = caseLabel(result);
  switch (result.status) {
    case 'passed':
      return [`${c.green('PASS')}  ${label}`, ...formatKnownDivergences(result, c), ''].join('\n');
    case 'skipped':
      return `${c.yellow('SKIP')}  ${label}: ${result.skipReason ?? 'skipped'}\n`;
    case 'error': {
      const detail = result.error === undefined ? [] : formatDiagnostic(result.error);
      return [`${c.red('ERROR')} ${label}`, ...detail, ''].join('\n');
    }
    case 'failed':
      return [`${c.red('FAIL')}  ${label}`, ...result.failures.flatMap((f) => formatFailure(f, c)), ...formatKnownDivergences(result, c), ''].join('\n');
  }
}

/** Differences from QEMU the scenario declares (`divergence:`): shown with their diff, never as failures. */
function formatKnownDivergences(result: CaseResult, c: Colors): string[] {
  return (result.knownDivergences ?? []).flatMap((k) => [`  ${c.yellow('known divergence')}: ${k.reason}`, ...formatFailure(k.failure, c)]);
}

export function formatFailure(f: Failure, c: Colors): string[] {
  const lines = [`  ${c.bold(location(f.span))} ${c.dim(f.code)} ${f.message}`, ...sourceExcerpt(f.span, INDENT)];
  const diff = unifiedDiff(f.expected, f.actual);
  if (diff.length > 0) {
    lines.push(`${INDENT}${c.green('- expected')}`, `${INDENT}${c.red('+ actual')}`);
    for (const d of diff) lines.push(INDENT + colourDiffLine(d, c));
  }
  if (f.pictures !== undefined) {
    lines.push(
      `${INDENT}expected |${f.pictures.expected}|`,
      `${INDENT}actual   |${f.pictures.actual}|  ${c.dim(f.pictures.scale)}`,
    );
  }
  return lines;
}

/** The loader's one rendering of a diagnostic (file:line:col, reason, source line), indented. */
export function formatDiagnostic(d: Diagnostic): string[] {
  return loaderFormat(d).split('\n').map((l) => `  ${l}`);
}

function colourDiffLine(line: string, c: Colors): string {
  if (line.startsWith('-')) return c.green(line);
  if (line.startsWith('+')) return c.red(line);
  if (line.startsWith('@@')) return c.cyan(line);
  return line;
}
