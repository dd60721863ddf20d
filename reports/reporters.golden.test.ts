/**
 * Every reporter's output for a summary with a failure, an error, a skip and an invalid file,
 * compared byte for byte with test/golden/. Regenerate deliberately with UPDATE_GOLDEN=1.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleSummary } from '../test/golden/sample-summary.ts';
import { reporters } from './index.ts';

const GOLDEN = new URL('../test/golden/', import.meta.url);

function runReporter(name: string, color = false): string {
  const factory = reporters[name];
  if (factory === undefined) throw new Error(`no reporter ${name}`);
  let out = '';
  const r = factory({ out: { write: (t) => (out += t) }, color });
  r.onRunStart?.({ caseCount: sampleSummary.cases.length, backends: ['simulator (qemu-7.2)'] });
  for (const c of sampleSummary.cases) r.onCaseEnd?.(c);
  r.onRunEnd?.(sampleSummary);
  return out;
}

function golden(file: string, actual: string): void {
  const url = new URL(file, GOLDEN);
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(url, actual);
  expect(existsSync(url), `missing golden ${file}: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(readFileSync(url, 'utf8'));
}

describe('reporter golden files', () => {
  it.each([
    ['text', 'sample.text.txt'],
    ['json', 'sample.json'],
    ['junit', 'sample.junit.xml'],
    ['github', 'sample.github.txt'],
  ])('%s', (name, file) => {
    golden(file, runReporter(name));
  });

  it('text colours only when asked', () => {
    expect(runReporter('text')).not.toMatch(/\x1b\[/);
    expect(runReporter('text', true)).toMatch(/\x1b\[31mFAIL/);
  });
});
