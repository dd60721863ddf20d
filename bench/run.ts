/**
 * Benchmark driver (`npm run bench`): runs every bench/*.bench.ts in name order. A section is a
 * module exporting `title` and `run(): Promise<boolean>` (false when a target was missed); the
 * driver prints each section and exits 1 if any missed, so the output can gate a CI job.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

interface BenchSection {
  readonly title: string;
  run(): Promise<boolean>;
}

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort();

let allPassed = true;
for (const file of files) {
  const section = (await import(pathToFileURL(join(here, file)).href)) as BenchSection;
  console.log(`\n== ${section.title} (${file})`);
  allPassed = (await section.run()) && allPassed;
}
process.exitCode = allPassed ? 0 : 1;
