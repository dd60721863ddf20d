/**
 * `dirtysim book [paths] -o DIR`: run every case on the simulator with the step trace, confirm it
 * on QEMU when asked (`--backend qemu|both`, skipped with the reason when QEMU is missing), and
 * write the static site. Exit code as for `run`: a book with failing cases is still written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Backend } from '../backends/backend.ts';
import { renderBook } from '../book/book.ts';
import { collectBook, type BookBackend } from '../book/collect.ts';
import { readFileOrUndefined } from '../scenario/load.ts';
import type { CliIo } from './io.ts';
import { describeInvalid, loadAll } from './load-all.ts';
import { parseTimeout } from './options.ts';
import { DEFAULT_PATHS } from './run-command.ts';

export interface BookFlags {
  readonly out: string;
  readonly backend: string;
  readonly timeout: string;
}

export async function bookCommand(paths: readonly string[], flags: BookFlags, io: CliIo): Promise<number> {
  const usage = (reason: string) => (io.stderr(`dirtysim: ${reason}\n`), 2);
  const timeout = parseTimeout(flags.timeout);
  if (!timeout.ok) return usage(timeout.reason);
  const loaded = loadAll(paths.length > 0 ? paths : DEFAULT_PATHS);
  if (loaded.missing.length > 0) return usage(`no such file or directory: ${loaded.missing.join(', ')}`);
  io.stderr(describeInvalid(loaded));
  const resolved = await io.resolveBackends(flags.backend === 'sim' ? 'sim' : 'both');
  if (!resolved.ok) return usage(resolved.reason);
  const sim = resolved.backends.find((b) => b.name === 'sim');
  if (sim === undefined) return usage('the book needs the simulator backend');
  const qemu = resolved.backends.find((b) => b.name === 'qemu');
  const others: BookBackend[] = [flags.backend === 'sim' || qemu === undefined ? { name: 'qemu', unavailable: 'not asked (run with --backend both to confirm on QEMU)' } : await qemuEntry(qemu)];
  const cases = await collectBook(loaded.cases, sim, others, { timeoutMs: timeout.value });
  const pages = renderBook(cases, readFileOrUndefined);
  try {
    for (const [path, html] of pages) {
      const target = join(flags.out, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, html);
    }
  } catch (e) {
    io.stderr(`dirtysim: cannot write the book: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const failing = cases.filter((c) => c.confirmations.some((x) => 'result' in x && (x.result.status === 'failed' || x.result.status === 'error'))).length;
  io.stdout(`book: ${pages.size} page(s), ${cases.length} case(s) in ${join(flags.out, 'index.html')}${failing > 0 ? `; ${failing} case(s) failing` : ''}\n`);
  if (loaded.invalidFiles.length > 0) return 2;
  return failing > 0 ? 1 : 0;
}

/** QEMU confirms only where it is installed; otherwise every case says why it was not run. */
async function qemuEntry(qemu: Backend): Promise<BookBackend> {
  const { detectQemu } = await import('../backends/qemu/detect.ts');
  const found = await detectQemu();
  return found.installed ? { name: 'qemu', backend: qemu, description: found.description } : { name: 'qemu', unavailable: found.reason };
}
