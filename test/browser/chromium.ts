/**
 * Headless Debian chromium for the browser tests, through playwright-core (never `playwright
 * install`). Without chromium the suite is skipped with a message locally and fails under CI=true.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe, it } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
/** Git-ignored (/out/): screenshots are artifacts, not fixtures. */
export const SCREENSHOTS = new URL('../../out/screenshots/', import.meta.url);

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function describeWithChromium(name: string, suite: () => void): void {
  if (existsSync(CHROMIUM)) describe(name, suite);
  else if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('needs chromium under CI', () => {
        throw new Error(`${CHROMIUM} not found; install with: apt-get install -y chromium`);
      });
    });
  } else {
    console.warn(`skipping "${name}": ${CHROMIUM} not found (apt-get install -y chromium)`);
    describe.skip(name, suite);
  }
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile per launch, so no state leaks between runs. */
export async function launch(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'dirtysim-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // The fresh profile directory is chromium's --user-data-dir (playwright passes it itself).
    args: ARGS,
    viewport: { width: 1200, height: 900 },
    offline: true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens a file URL and collects every console error, page error and request leaving file://. */
export async function openPage(b: Browser, url: URL): Promise<{ page: Page; problems: string[] }> {
  const page = await b.context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => !r.url().startsWith('file:') && problems.push(`request: ${r.url()}`));
  await page.goto(url.href, { waitUntil: 'load' });
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: new URL(name, SCREENSHOTS).pathname, fullPage: true });
}
