/**
 * One failure as HTML: where it is written, the expected and actual strips one above the other
 * with the differing cells marked, and the unified diff of the canonical renderings.
 */
import type { Failure } from '../runner/result.ts';
import { esc } from './escape.ts';
import { location, sourceExcerpt } from './excerpt.ts';
import { pictureCells } from './svg/strip.ts';
import { stripSvg } from './svg/strip-svg.ts';
import { unifiedDiff } from './unified-diff.ts';

export function failureHtml(f: Failure): string {
  return [
    '<div class="failure">',
    `<p><code>${esc(location(f.span))}</code> <span class="badge failed">${esc(f.code)}</span> ${esc(f.message)}</p>`,
    `<pre>${esc(sourceExcerpt(f.span).join('\n'))}</pre>`,
    f.pictures === undefined ? '' : picturesHtml(f.pictures),
    diffHtml(unifiedDiff(f.expected, f.actual)),
    '</div>',
  ].join('\n');
}

function picturesHtml(p: NonNullable<Failure['pictures']>): string {
  const cells = Math.max(p.expected.length, p.actual.length);
  const pad = (s: string) => s.padEnd(cells, '.');
  const marked = Array.from({ length: cells }, (_, i) => i >= p.expected.length || i >= p.actual.length || p.expected[i] !== p.actual[i]);
  const row = (key: string, picture: string, info: string, marks?: boolean[]) =>
    `<span class="key">${key}</span>${stripSvg({ dirty: pictureCells(pad(picture)), label: `${key} ${picture}`, ...(marks === undefined ? {} : { marked: marks }) })}<span class="info">${esc(info)}</span>`;
  const differing = marked.filter((m) => m).length;
  return `<div class="strips pictures">${row('expected', p.expected, p.scale)}${row('actual', p.actual, `${differing} cell(s) differ`, marked)}</div>`;
}

function diffHtml(lines: readonly string[]): string {
  if (lines.length === 0) return '';
  const cls = (l: string) => (l.startsWith('@@') ? 'hunk' : l.startsWith('-') ? 'del' : l.startsWith('+') ? 'ins' : 'ctx');
  // Each line is a block span: no newline between them, or <pre> would show blank lines.
  const body = lines.map((l) => `<span class="${cls(l)}">${esc(l)}</span>`).join('');
  return `<pre class="diff"><span class="del">- expected</span><span class="ins">+ actual</span>${body}</pre>`;
}
