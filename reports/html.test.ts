import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleSummary } from '../test/golden/sample-summary.ts';
import { html } from './html.ts';

function render(): string {
  let out = '';
  const r = html({ out: { write: (t) => (out += t) }, color: false });
  r.onRunStart?.({ caseCount: sampleSummary.cases.length, backends: ['simulator (qemu-7.2)'] });
  for (const c of sampleSummary.cases) r.onCaseEnd?.(c);
  r.onRunEnd?.(sampleSummary);
  return out;
}

describe('html reporter', () => {
  const page = render();

  it('is one self-contained document: no script, stylesheet link, image or font fetched', () => {
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).not.toMatch(/<script|<link|<img|@import|url\(|src=/i);
    expect(page).not.toMatch(/https?:\/\//);
  });

  it('opens failures and errors, collapses passing and skipped cases', () => {
    const opened = [...page.matchAll(/<details class="case (\w+)"( open)?/g)].map((m) => `${m[1]}${m[2] ?? ''}`);
    expect(opened).toEqual(['failed open', 'error open', 'passed', 'skipped']);
  });

  it('draws the expected strip above the actual one, marking the differing cells', () => {
    const pictures = page.slice(page.indexOf('<div class="strips pictures">'));
    expect(pictures.indexOf('aria-label="expected ...X............"')).toBeLessThan(pictures.indexOf('aria-label="actual XX.X............"'));
    // '...X' against 'XX.X': cells 0 and 1 differ.
    expect([...pictures.matchAll(/<rect class="mark" x="(\d+)"/g)].map((m) => m[1])).toEqual(['0', '1']);
    expect(pictures).toContain('2 cell(s) differ');
  });

  it('colours the diff lines and escapes what the texts carry', () => {
    expect(page).toContain('<span class="del">-  dirty: [192K+64K]</span>');
    expect(page).toContain('<span class="ins">+  dirty: [0+128K, 192K+64K]</span>');
    expect(page).toContain('test/fixtures/stream &lt;&amp;&gt; &quot;quoted&quot;.yaml');
  });

  it('matches the golden file', () => {
    const golden = new URL('../test/golden/sample.html', import.meta.url);
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, page);
    expect(existsSync(golden), 'missing golden sample.html: run with UPDATE_GOLDEN=1').toBe(true);
    expect(page).toBe(readFileSync(golden, 'utf8'));
  });
});
