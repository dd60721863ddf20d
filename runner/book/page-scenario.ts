/**
 * The page of one scenario file: each of its cases (a matrix gives several) with its `about`,
 * the graph, which backends confirmed it, and the timeline of steps with every bitmap drawn
 * after each step.
 */
import { esc } from '../../reports/escape.ts';
import { htmlDocument, stripLegend } from '../../reports/html-page.ts';
import { caseLabel } from '../../reports/reporter.ts';
import { graphSvg } from '../../reports/svg/graph.ts';
import type { BookCase, Confirmation } from './collect.ts';
import { blockGraph } from './graph-model.ts';
import { failuresAt, stepHtml } from './step-html.ts';
import type { ReadText } from './step-text.ts';
import { failureHtml } from '../../reports/html-failure.ts';

export function scenarioPage(file: string, cases: readonly BookCase[], read: ReadText): string {
  const first = cases[0]?.case;
  const title = first?.scenario ?? file;
  const toc = cases.length > 1 ? `<ul class="cases">${cases.map((c, i) => `<li><a href="#case-${i + 1}">${esc(c.case.name)}</a></li>`).join('')}</ul>` : '';
  const body = [
    '<p><a href="../index.html">← all scenarios</a></p>',
    `<h1>${esc(title)}</h1>`,
    `<p class="muted"><code>${esc(file)}</code>${first !== undefined && first.tags.length > 0 ? ` · tags: ${first.tags.map(esc).join(', ')}` : ''}</p>`,
    first === undefined ? '' : `<div class="about">${paragraphs(first.about)}</div>`,
    toc,
    stripLegend(['clean', 'dirty', 'fresh']),
    ...cases.map((c, i) => caseSection(c, i, read)),
  ];
  return htmlDocument(`${title} — dirtysim book`, body.join('\n'));
}

function caseSection(bc: BookCase, index: number, read: ReadText): string {
  const c = bc.case;
  const sim = bc.confirmations.find((x) => x.backend === 'sim');
  const failures = sim !== undefined && 'result' in sim ? sim.result.failures : [];
  const unplaced = failures.filter((f) => !c.steps.some((s) => failuresAt(s, [f]).length > 0));
  const axes = Object.entries(c.axes).map(([k, v]) => `${k}=${v}`).join(', ');
  return [
    `<section class="case" id="case-${index + 1}">`,
    `<h2>${esc(axes === '' ? 'Case' : axes)}</h2>`,
    `<p class="muted">semantics ${esc(c.semantics)}</p>`,
    `<ul class="confirmations">${bc.confirmations.map(confirmationHtml).join('')}</ul>`,
    '<h3>Graph</h3>',
    graphSvg(blockGraph(c.setup, bc.snapshots)),
    '<h3>Steps</h3>',
    ...c.steps.map((s, i) => stepHtml(s, i, bc.snapshots[i], failuresAt(s, failures), read)),
    ...unplaced.map(failureHtml),
    '</section>',
  ].join('\n');
}

function confirmationHtml(x: Confirmation): string {
  if ('skipped' in x) return `<li data-backend="${x.backend}"><span class="badge skipped">skipped</span> ${esc(x.backend)}: ${esc(x.skipped)}</li>`;
  const r = x.result;
  const why = r.status === 'skipped' ? `: ${r.skipReason ?? ''}` : r.status === 'error' ? `: ${r.error?.message ?? ''}` : r.status === 'failed' ? `: ${r.failures.length} failure(s)` : '';
  return `<li data-backend="${x.backend}"><span class="badge ${r.status}">${r.status}</span> ${esc(x.backend)} (${esc(x.description)})${esc(why)}<span class="muted"> ${esc(caseLabel(r))}</span></li>`;
}

function paragraphs(text: string): string {
  return text.trim().split(/\n\s*\n/).map((p) => `<p>${esc(p.replace(/\s*\n\s*/g, ' '))}</p>`).join('\n');
}
