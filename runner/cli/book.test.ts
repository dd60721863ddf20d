import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend } from '../backends/backend.ts';
import { detectQemu } from '../backends/qemu/detect.ts';
import { simBackend } from '../backends/sim.ts';
import { resolveBackends } from './backend-registry.ts';
import { runCaptured } from './capture.ts';

const out = mkdtempSync(join(tmpdir(), 'dirtysim-book-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('dirtysim book', () => {
  it('writes an index by topic and tag and a page per scenario file', async () => {
    const dir = join(out, 'a');
    const r = await runCaptured(['book', 'runner/book/fixtures', '-o', dir], { resolveBackends });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^book: 3 page\(s\), 3 case\(s\) in /);
    const index = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(index).toContain('<h3 id="topic-fixtures">fixtures</h3>');
    expect(index).toContain('<h3 id="tag-rollback">rollback</h3>');
    expect(index).toContain('href="pages/runner-book-fixtures-rollback.html"');
    const page = readFileSync(join(dir, 'pages/runner-book-fixtures-rollback.html'), 'utf8');
    // 8 steps (5 from the fragment), each with its strips: b0 alone after the first.
    expect(page.match(/<div class="step/g)?.length).toBe(8);
    expect(page).toMatch(/data-step="1"[\s\S]*?<span class="key">disk\/b0<\/span><svg class="strip"/);
    expect(page).toContain('expects error: GenericError: &quot;Transaction aborted using Abort action&quot;');
    expect(page).toContain('<span class="badge command">transaction</span>');
  });

  it('says why QEMU did not confirm, or which QEMU did', async () => {
    const dir = join(out, 'b');
    // A QEMU stand-in that behaves like the simulator: what is checked is how the page reports it.
    const qemu: Backend = { ...simBackend(), name: 'qemu' };
    const r = await runCaptured(['book', 'runner/book/fixtures/rollback.yaml', '--backend', 'both', '-o', dir], {
      resolveBackends: async () => ({ ok: true, backends: [simBackend(), qemu] }),
    });
    expect(r.code).toBe(0);
    const page = readFileSync(join(dir, 'pages/runner-book-fixtures-rollback.html'), 'utf8');
    const found = await detectQemu();
    const line = /<li data-backend="qemu">.*?<\/li>/.exec(page)?.[0] ?? '';
    if (found.installed) expect(line).toContain(`passed</span> qemu (QEMU ${found.version})`);
    else expect(line).toContain(`skipped</span> qemu: ${found.reason}`);
  });

  it('exits 1 on a failing case and still writes its page', async () => {
    const dir = join(out, 'c');
    const r = await runCaptured(['book', 'test/fixtures/update/stale.yaml', '-o', dir], { resolveBackends });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 case(s) failing');
    const page = readFileSync(join(dir, 'pages/test-fixtures-update-stale.html'), 'utf8');
    expect(page).toContain('<div class="step has-error has-failure"');
    expect(page).toContain('<div class="strips pictures">');
  });

  it('needs -o', async () => {
    const r = await runCaptured(['book', 'runner/book/fixtures'], { resolveBackends });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '-o, --out <dir>'");
    expect(existsSync(join(out, 'd'))).toBe(false);
  });
});
