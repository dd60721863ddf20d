/**
 * The HTML reporter: one self-contained file (inline CSS and SVG, nothing fetched). Failures and
 * errors come first and open, each failure with its strips and coloured diff; passing and
 * skipped cases are collapsed.
 */
import type { CaseResult, RunSummary } from '../runner/result.ts';
import { formatDiagnostic } from './format-case.ts';
import { failureHtml } from './html-failure.ts';
import { esc } from './escape.ts';
import { htmlDocument, stripLegend } from './html-page.ts';
import { caseLabel, type ReporterFactory } from './reporter.ts';
import { summaryLine } from './text.ts';

const BADGE: Readonly<Record<CaseResult['status'], string>> = { passed: 'PASS', failed: 'FAIL', error: 'ERROR', skipped: 'SKIP' };

export const html: ReporterFactory = ({ out }) => {
  let backends: readonly string[] = [];
  return {
    onRunStart(run) {
      backends = run.backends;
    },
    onRunEnd(summary) {
      out.write(htmlDocument('dirtysim run report', reportBody(summary, backends)));
    },
  };
};

function reportBody(s: RunSummary, backends: readonly string[]): string {
  const open = s.cases.filter((c) => c.status === 'failed' || c.status === 'error');
  const closed = s.cases.filter((c) => c.status === 'passed' || c.status === 'skipped');
  return [
    '<h1>dirtysim run report</h1>',
    // The summary line ends its own line, so duration normalisation (" in Nms" at a line end) finds it.
    `<p class="summary" id="summary">\n${esc(summaryLine(s))}\n</p>`,
    backends.length > 0 ? `<p class="muted">Backends: ${backends.map(esc).join('; ')}</p>` : '',
    s.invalidFiles.length > 0 ? `<h2>Invalid files</h2>\n${s.invalidFiles.map(invalidHtml).join('\n')}` : '',
    open.length > 0 ? `<h2>Failures and errors</h2>\n${stripLegend(['clean', 'dirty', 'mark'])}\n${open.map((c) => caseHtml(c, true)).join('\n')}` : '',
    closed.length > 0 ? `<h2>Passed and skipped</h2>\n${closed.map((c) => caseHtml(c, false)).join('\n')}` : '',
  ].filter((part) => part !== '').join('\n');
}

function caseHtml(c: CaseResult, open: boolean): string {
  return [
    `<details class="case ${c.status}"${open ? ' open' : ''} data-status="${c.status}">`,
    `<summary><span class="badge ${c.status}">${BADGE[c.status]}</span> ${esc(caseLabel(c))} <span class="muted">${esc(c.file)}</span></summary>`,
    caseDetail(c),
    '</details>',
  ].join('\n');
}

function caseDetail(c: CaseResult): string {
  switch (c.status) {
    case 'failed':
      return c.failures.map(failureHtml).join('\n');
    case 'error':
      return c.error === undefined ? '' : `<pre>${esc(formatDiagnostic(c.error).join('\n'))}</pre>`;
    case 'skipped':
      return `<p>${esc(c.skipReason ?? 'skipped')}</p>`;
    case 'passed':
      return `<p class="muted">${esc(c.id)}</p>`;
  }
}

function invalidHtml(f: RunSummary['invalidFiles'][number]): string {
  return `<details class="invalid" open><summary><span class="badge error">INVALID</span> ${esc(f.file)}</summary><pre>${esc(f.diagnostics.flatMap(formatDiagnostic).join('\n'))}</pre></details>`;
}
