/**
 * The malformed-scenario corpus: each fixtures/invalid/<name>.yaml must produce exactly the
 * formatted diagnostics in <name>.expected.txt (file:line:col, code, message, caret). The
 * expected files are written by hand and reviewed; this test never rewrites them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from './format.ts';
import { loadScenarioFile } from './load.ts';

const dir = 'runner/scenario/fixtures/invalid';
const cases = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.startsWith('_')).sort();

describe('invalid scenario corpus', () => {
  it('has at least 20 files', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });
  it.each(cases)('%s', (name) => {
    const result = loadScenarioFile(`${dir}/${name}`);
    const expected = readFileSync(`${dir}/${name.replace(/\.yaml$/, '.expected.txt')}`, 'utf8');
    expect(result.cases).toEqual([]);
    expect(`${formatDiagnostics(result.diagnostics)}\n`).toBe(expected);
  });
});

describe('valid fixtures', () => {
  const valid = readdirSync('runner/scenario/fixtures/valid').filter((f) => f.endsWith('.yaml') && !f.startsWith('_'));
  it.each(valid)('%s loads without diagnostics', (name) => {
    const result = loadScenarioFile(`runner/scenario/fixtures/valid/${name}`);
    expect(result.diagnostics).toEqual([]);
    expect(result.cases.length).toBeGreaterThan(0);
  });
});
