/**
 * Benchmark driver (`npm run bench`): runs the bench/*.bench.ts sections in the order below, any
 * other section after them in name order. A section is a module exporting `title` and
 * `run(): Promise<boolean>` (false when a target was missed); the driver prints each section
 * and exits 1 if any missed, so the output can gate a CI job.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

interface BenchSection {
  readonly title: string;
  run(): Promise<boolean>;
}

/**
 * The in-process ratio section first: the conformance section starts a QEMU per case for ~35 s
 * and leaves this process a large heap and the machine busy, and run after it the hbitmap (b)
 * merge line once read 1.65x dense instead of ~0.7x. Its timings must measure the bitmaps.
 */
const ORDER = ['hbitmap.bench.ts', 'conformance.bench.ts'];

const rank = (f: string) => (ORDER.includes(f) ? ORDER.indexOf(f) : ORDER.length);
const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

let allPassed = true;
for (const file of files) {
  const section = (await import(pathToFileURL(join(here, file)).href)) as BenchSection;
  console.log(`\n== ${section.title} (${file})`);
  allPassed = (await section.run()) && allPassed;
}
process.exitCode = allPassed ? 0 : 1;
