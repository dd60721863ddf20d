/** The book's front page: every scenario file by topic (its folder) and by tag. */
import { dirname, basename } from 'node:path';
import { esc } from '../../reports/escape.ts';
import { htmlDocument } from '../../reports/html-page.ts';
import type { BookCase } from './collect.ts';

export interface ScenarioEntry {
  readonly file: string;
  /** Relative to the book's root. */
  readonly href: string;
  readonly cases: readonly BookCase[];
}

export function indexPage(entries: readonly ScenarioEntry[]): string {
  const topics = groupBy(entries, (e) => [basename(dirname(e.file))]);
  const tags = groupBy(entries, (e) => [...new Set(e.cases.flatMap((c) => c.case.tags))]);
  const total = entries.reduce((n, e) => n + e.cases.length, 0);
  const body = [
    '<h1>dirtysim: the semantics book</h1>',
    `<p class="muted">${entries.length} scenario file(s), ${total} case(s). Every page shows a scenario's graph and each step with every bitmap drawn after it.</p>`,
    '<h2 id="by-topic">By topic</h2>',
    ...[...topics].map(([topic, list]) => `<h3 id="topic-${esc(slug(topic))}">${esc(topic)}</h3>\n${entryList(list)}`),
    '<h2 id="by-tag">By tag</h2>',
    ...[...tags].sort(([a], [b]) => a.localeCompare(b)).map(([tag, list]) => `<h3 id="tag-${esc(slug(tag))}">${esc(tag)}</h3>\n${entryList(list)}`),
  ];
  return htmlDocument('dirtysim semantics book', body.join('\n'));
}

function entryList(list: readonly ScenarioEntry[]): string {
  return `<ul class="cases">${list.map((e) => `<li>${statusBadge(e)} <a href="${esc(e.href)}">${esc(e.cases[0]?.case.scenario ?? e.file)}</a>${e.cases.length > 1 ? ` <span class="muted">(${e.cases.length} cases)</span>` : ''}</li>`).join('')}</ul>`;
}

/** The simulator's verdict over the file's cases: the worst one. */
function statusBadge(e: ScenarioEntry): string {
  const statuses = e.cases.flatMap((c) => c.confirmations.flatMap((x) => ('result' in x && x.backend === 'sim' ? [x.result.status] : [])));
  const worst = (['error', 'failed', 'skipped', 'passed'] as const).find((s) => statuses.includes(s)) ?? 'skipped';
  return `<span class="badge ${worst}">${worst}</span>`;
}

function groupBy(entries: readonly ScenarioEntry[], keys: (e: ScenarioEntry) => readonly string[]): Map<string, ScenarioEntry[]> {
  const out = new Map<string, ScenarioEntry[]>();
  for (const e of entries) for (const k of keys(e)) out.set(k, [...(out.get(k) ?? []), e]);
  return out;
}

export function slug(text: string): string {
  return text.replace(/\.ya?ml$/, '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
}
