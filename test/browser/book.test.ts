/**
 * The book and the HTML report in a real browser: generated from the scenario library and a
 * failing fixture, opened from disk in headless chromium, checked for their key elements and for
 * silence (no console error, no page error, nothing fetched), and screenshotted to out/screenshots/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveBackends } from '../../runner/cli/backend-registry.ts';
import { runCaptured } from '../../runner/cli/capture.ts';
import { describeWithChromium, launch, openPage, screenshot, type Browser } from './chromium.ts';

/** The one DOM call made in the page (the tsconfig has no DOM library). */
interface Css {
  getComputedStyle(el: unknown): { readonly backgroundColor: string };
}

describeWithChromium('book and HTML report in chromium', () => {
  const out = mkdtempSync(join(tmpdir(), 'dirtysim-browser-'));
  const book = join(out, 'book');
  const report = join(out, 'report.html');
  let browser: Browser;

  beforeAll(async () => {
    const built = await runCaptured(['book', 'runner/book/fixtures', '-o', book], { resolveBackends });
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    const ran = await runCaptured(['run', 'test/fixtures/update/stale.yaml', `--reporter=html=${report}`], { resolveBackends });
    expect(ran.code).toBe(1);
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('index links every scenario by topic and by tag', async () => {
    const { page, problems } = await openPage(browser, pathToFileURL(join(book, 'index.html')));
    expect(await page.locator('#by-topic ~ h3').allTextContents()).toEqual(['fixtures', 'copy-on-read', 'filter', 'rollback', 'transaction']);
    const links = page.locator('a[href^="pages/"]');
    // Each file once by topic, then once per tag.
    expect(await links.count()).toBe(6);
    await screenshot(page, 'book-index.png');
    await links.filter({ hasText: 'an aborted transaction' }).first().click();
    await page.waitForLoadState('load');
    expect(await page.locator('h1').textContent()).toBe('an aborted transaction leaves both bitmaps as they were');
    expect(problems).toEqual([]);
  });

  it('a scenario page draws the graph, every step with its strips, and the expected error', async () => {
    const { page, problems } = await openPage(browser, pathToFileURL(join(book, 'pages/runner-book-fixtures-rollback.html')));
    const graph = page.locator('svg.graph').first();
    await expect(graph.isVisible()).resolves.toBe(true);
    expect(await graph.locator('g.node').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-id')))).toEqual(['disk', 'disk-file']);
    expect(await graph.locator('g[data-id="disk"] text.bitmap').allTextContents()).toEqual(['▪ b0', '▪ b1']);
    const steps = page.locator('.step');
    // Five steps from the fragment _disk.yaml, then the file's own three.
    expect(await steps.count()).toBe(8);
    // After the first step, one bitmap strip; the transaction step shows its expected error and b0, b1, doomed.
    expect(await steps.nth(0).locator('svg.strip').count()).toBe(1);
    const transaction = page.locator('.step.has-error');
    expect(await transaction.locator('.badge.command').textContent()).toBe('transaction');
    expect(await transaction.locator('.expected-error').textContent()).toContain('Transaction aborted using Abort action');
    expect(await transaction.locator('svg.strip').count()).toBe(2);
    expect(await transaction.locator('svg.strip rect.fresh').count()).toBe(0);
    // The write after it newly dirties 512K+128K of b0 only (b1 is disabled): cells 8 and 9.
    expect(await steps.nth(6).locator('svg.strip rect.fresh').evaluateAll((rs) => rs.map((r) => [r.getAttribute('x'), r.getAttribute('width')]))).toEqual([['8', '2']]);
    // The second write newly dirties 256K+64K in b0 and in b1: one orange run in each strip.
    expect(await steps.nth(3).locator('svg.strip rect.fresh').evaluateAll((rs) => rs.map((r) => r.getAttribute('x')))).toEqual(['4', '4']);
    const box = await page.locator('svg.strip').first().boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    await screenshot(page, 'book-scenario.png');
    expect(problems).toEqual([]);
  });

  it('a matrix scenario groups its cases on one page with confirmations', async () => {
    const { page, problems } = await openPage(browser, pathToFileURL(join(book, 'pages/runner-book-fixtures-filters.html')));
    expect(await page.locator('section.case').count()).toBe(2);
    expect(await page.locator('section.case h2').allTextContents()).toEqual(['semantics=qemu-7.2', 'semantics=write-unchanged-clean']);
    expect(await page.locator('li[data-backend="sim"] .badge').allTextContents()).toEqual(['passed', 'passed']);
    expect(await page.locator('li[data-backend="qemu"]').first().textContent()).toContain('not asked');
    const graph = page.locator('section.case').first().locator('svg.graph');
    expect(await graph.locator('g.device').getAttribute('data-id')).toBe('vda');
    expect(await graph.locator('g.filter').getAttribute('data-id')).toBe('cor');
    expect(await graph.locator('path.edge.backing').getAttribute('data-child')).toBe('base');
    await screenshot(page, 'book-matrix.png');
    expect(problems).toEqual([]);
  });

  it('the HTML report shows the failure with its strips and diff, passing cases collapsed', async () => {
    const { page, problems } = await openPage(browser, pathToFileURL(report));
    expect(await page.locator('#summary').textContent()).toContain('1 failed');
    const failure = page.locator('details.case.failed .failure').first();
    await expect(failure.isVisible()).resolves.toBe(true);
    expect(await page.locator('details.case.failed .pictures svg.strip').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('details.case.failed .pictures rect.mark').count()).toBeGreaterThan(0);
    expect(await page.locator('details.case.failed pre.diff span.ins').count()).toBeGreaterThan(1);
    const color = await page.locator('pre.diff span.ins').first().evaluate((el) => (globalThis as unknown as Css).getComputedStyle(el).backgroundColor);
    expect(color).toBe('rgb(255, 235, 233)');
    await screenshot(page, 'html-report.png');
    expect(problems).toEqual([]);
  });
});
