/**
 * The whole pipeline, pinned: a failing scenario (test/fixtures/update/stale.yaml) run on the
 * simulator through every reporter at once, each to its own file, compared byte for byte with
 * test/golden/stale.* after normalising durations. Regenerate deliberately with UPDATE_GOLDEN=1.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reporterNames } from '../../reports/index.ts';
import { resolveBackends } from '../../runner/cli/backend-registry.ts';
import { runCaptured } from '../../runner/cli/capture.ts';

const FIXTURE = 'test/fixtures/update/stale.yaml';
const out = mkdtempSync(join(tmpdir(), 'dirtysim-golden-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Durations are the only run-to-run difference; everything else must be stable. */
function normalise(text: string): string {
  return text
    .replace(/"durationMs": [\d.]+/g, '"durationMs": 0')
    .replace(/time="[\d.]+"/g, 'time="0"')
    .replace(/ in \d+ms$/gm, ' in 0ms');
}

describe('end-to-end reporter output for a failing scenario', async () => {
  const { code, stdout } = await runCaptured(
    ['run', FIXTURE, ...reporterNames().map((n) => `--reporter=${n}=${join(out, n)}`), '--reporter=text'],
    { resolveBackends },
  );

  it('exits 1 and prints the text report to stdout as well', () => {
    expect(code).toBe(1);
    expect(normalise(stdout)).toBe(normalise(readFileSync(join(out, 'text'), 'utf8')));
  });

  it.each(reporterNames())('%s', (name) => {
    const actual = normalise(readFileSync(join(out, name), 'utf8'));
    const golden = new URL(`stale.${name}.golden`, import.meta.url);
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, actual);
    expect(existsSync(golden), `missing golden stale.${name}.golden: run with UPDATE_GOLDEN=1`).toBe(true);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });
});
