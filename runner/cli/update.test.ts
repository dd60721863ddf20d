/**
 * The --update round trip on a temporary copy: values rewritten in place with comments and
 * layout kept, a value that matrix cases disagree on refused, passing files untouched byte for
 * byte, and the second run passing.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveBackends } from './backend-registry.ts';
import { runCaptured as cli } from './capture.ts';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function copyFixtures(): { stale: string; matrix: string; clear: string } {
  dir = mkdtempSync(join(tmpdir(), 'dirtysim-update-'));
  cpSync('test/fixtures/update', dir, { recursive: true });
  cpSync('test/fixtures/library/clear.yaml', join(dir, 'clear.yaml'));
  return { stale: join(dir, 'stale.yaml'), matrix: join(dir, 'matrix.yaml'), clear: join(dir, 'clear.yaml') };
}

describe('dirtysim run --update', () => {
  it('splices actual values, keeps everything else, refuses what one value cannot serve', async () => {
    const files = copyFixtures();
    const before = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, readFileSync(f, 'utf8')]));
    const first = await cli(['run', '--update', dir], { resolveBackends });
    expect(first.code).toBe(1);
    expect(first.stderr).toContain(`updated ${files.stale}`);
    expect(first.stderr).toMatch(/matrix\.yaml:17:\d+: not updated: cases read this value but saw different results \(4K in .*granularity=4K.*; 64K in .*granularity=64K/);

    const expected = (before['stale'] ?? '')
      .replace('"Bitmap exists: b0"', '"Bitmap already exists: b0"')
      .replace('dirty: [0+64K]      # stale', 'dirty: [128K+64K]      # stale')
      .replace('map: "X..............."', 'map: "..X............."');
    expect(readFileSync(files.stale, 'utf8')).toBe(expected);
    expect(readFileSync(files.matrix, 'utf8')).toBe(before['matrix']);
    expect(readFileSync(files.clear, 'utf8')).toBe(before['clear']);

    const second = await cli(['run', files.stale, files.clear], { resolveBackends });
    expect([second.code, second.stdout]).toEqual([0, expect.stringContaining('2 passed, 0 failed')]);
  });

  it('writes an expectation that comes from a fragment into the fragment, which stays valid', async () => {
    await expectOnlyUpdate('test/fixtures/update-fragment', '_disk.yaml', (text) => text.replace('count: 4K }', 'count: 64K }'));
  });

  it('rewrites a stale images expectation and, with nothing left over, exits 0', async () => {
    await expectOnlyUpdate('test/fixtures/update-images', 'stored.yaml', (text) =>
      text.replace('granularity: 4K, flags: [auto] }]   # stale', 'granularity: 64K, flags: [in-use, auto] }]   # stale'),
    );
  });
});

/** --update on a copy of `fixture` rewrites `file` as `rewrite` says and nothing else, exits 0, and the next run passes. */
async function expectOnlyUpdate(fixture: string, file: string, rewrite: (text: string) => string): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'dirtysim-update-'));
  cpSync(fixture, dir, { recursive: true });
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const first = await cli(['run', '--update', dir], { resolveBackends });
  expect([first.code, first.stderr]).toEqual([0, `dirtysim: updated ${path}\n`]);
  expect(readFileSync(path, 'utf8')).toBe(rewrite(before));
  expect((await cli(['run', dir], { resolveBackends })).code).toBe(0);
}
