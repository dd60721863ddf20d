/**
 * JUnit XML as CI systems read it: one <testsuite> per scenario file, one <testcase> per case
 * (per backend), <failure> bodies carrying the same text as the text reporter without colour.
 * Files that failed to load appear as a suite with one erroring testcase, so CI shows them.
 */
import type { CaseResult, RunSummary } from '../runner/result.ts';
import { esc } from './escape.ts';
import { formatDiagnostic, formatFailure } from './format-case.ts';
import { caseLabel, palette, type ReporterFactory } from './reporter.ts';

const plain = palette(false);

export const junit: ReporterFactory = ({ out }) => ({
  onRunEnd(summary) {
    out.write(render(summary));
  },
});

function render(s: RunSummary): string {
  const suites = new Map<string, CaseResult[]>();
  for (const r of s.cases) suites.set(r.file, [...(suites.get(r.file) ?? []), r]);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="dirtysim" tests="${s.cases.length + s.invalidFiles.length}" failures="${s.failed}" errors="${s.errors + s.invalidFiles.length}" skipped="${s.skipped}" time="${seconds(s.durationMs)}">`,
  ];
  for (const [file, cases] of suites) {
    const count = (status: CaseResult['status']) => cases.filter((r) => r.status === status).length;
    const time = cases.reduce((t, r) => t + r.durationMs, 0);
    lines.push(
      `  <testsuite name="${esc(file)}" tests="${cases.length}" failures="${count('failed')}" errors="${count('error')}" skipped="${count('skipped')}" time="${seconds(time)}">`,
      ...cases.flatMap(testcase),
      '  </testsuite>',
    );
  }
  for (const { file, diagnostics } of s.invalidFiles) {
    const first = diagnostics[0];
    lines.push(
      `  <testsuite name="${esc(file)}" tests="1" failures="0" errors="1" skipped="0" time="0">`,
      `    <testcase classname="${esc(file)}" name="load" time="0">`,
      `      <error message="${esc(first?.message ?? 'invalid file')}" type="${esc(first?.code ?? 'invalid')}">${esc(diagnostics.flatMap((d) => formatDiagnostic(d)).join('\n'))}</error>`,
      '    </testcase>',
      '  </testsuite>',
    );
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function testcase(r: CaseResult): string[] {
  const open = `    <testcase classname="${esc(r.file)}" name="${esc(caseLabel(r))}" time="${seconds(r.durationMs)}"`;
  switch (r.status) {
    case 'passed':
      return [`${open}/>`];
    case 'skipped':
      return [`${open}>`, `      <skipped message="${esc(r.skipReason ?? '')}"/>`, '    </testcase>'];
    case 'error': {
      const d = r.error;
      const body = d === undefined ? '' : esc(formatDiagnostic(d).join('\n'));
      return [`${open}>`, `      <error message="${esc(d?.message ?? 'error')}" type="${esc(d?.code ?? 'error')}">${body}</error>`, '    </testcase>'];
    }
    case 'failed':
      return [
        `${open}>`,
        ...r.failures.map((f) => `      <failure message="${esc(f.message)}" type="${f.code}">${esc(formatFailure(f, plain).join('\n'))}</failure>`),
        '    </testcase>',
      ];
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
