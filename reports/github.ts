/**
 * GitHub Actions workflow commands: one `::error` annotation per failure, diagnostic or case
 * error, placed at the expectation's file:line:col so the PR diff view shows it in place.
 * Escaping follows the runner's rules (actions/toolkit `command.ts`): in the message %, \r and \n;
 * in property values also : and ,.
 */
import type { SourceSpan } from '../runner/source.ts';
import { caseLabel, type ReporterFactory } from './reporter.ts';
import { unifiedDiff } from './unified-diff.ts';

export const github: ReporterFactory = ({ out }) => {
  const annotate = (span: SourceSpan, title: string, message: string) =>
    out.write(`::error file=${prop(span.file)},line=${span.line},col=${span.col},title=${prop(title)}::${data(message)}\n`);
  return {
    onCaseEnd(r) {
      const title = caseLabel(r);
      if (r.status === 'error' && r.error !== undefined) annotate(r.error.span, title, `${r.error.code}: ${r.error.message}`);
      for (const f of r.failures) {
        const body = [`${f.code}: ${f.message}`, ...unifiedDiff(f.expected, f.actual)];
        if (f.pictures !== undefined) body.push(`expected |${f.pictures.expected}|`, `actual   |${f.pictures.actual}|  ${f.pictures.scale}`);
        annotate(f.span, title, body.join('\n'));
      }
    },
    onRunEnd(summary) {
      for (const { file, diagnostics } of summary.invalidFiles) {
        for (const d of diagnostics) annotate(d.span, `invalid scenario ${file}`, `${d.code}: ${d.message}`);
      }
    },
  };
};

export function data(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function prop(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
