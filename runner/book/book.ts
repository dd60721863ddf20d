/**
 * The book as files: index.html and one page per scenario file under pages/, every page
 * self-contained (inline CSS and SVG), so the folder works offline and as a CI artifact.
 */
import type { BookCase } from './collect.ts';
import { indexPage, slug, type ScenarioEntry } from './page-index.ts';
import { scenarioPage } from './page-scenario.ts';
import type { ReadText } from './step-text.ts';

/** Relative path → HTML text. */
export function renderBook(cases: readonly BookCase[], read: ReadText): Map<string, string> {
  const byFile = new Map<string, BookCase[]>();
  for (const c of cases) byFile.set(c.case.file, [...(byFile.get(c.case.file) ?? []), c]);
  const taken = new Set<string>();
  const entries: ScenarioEntry[] = [...byFile].map(([file, list]) => ({ file, href: uniqueHref(slug(file), taken), cases: list }));
  const pages = new Map<string, string>([['index.html', indexPage(entries)]]);
  for (const e of entries) pages.set(e.href, scenarioPage(e.file, e.cases, read));
  return pages;
}

/** `a/b-c.yaml` and `a/b/c.yaml` slug alike; the second gets a numbered page. */
function uniqueHref(base: string, taken: Set<string>): string {
  let href = `pages/${base}.html`;
  for (let n = 2; taken.has(href); n++) href = `pages/${base}-${n}.html`;
  taken.add(href);
  return href;
}
